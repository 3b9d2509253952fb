import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// A response as the tests see it: status, headers and raw body bytes.
struct APIResponse: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (empty when it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    var code: String? { json["code"] as? String }
    var contentType: String { headers.first(name: "content-type") ?? "" }
    var isProblem: Bool { contentType.hasPrefix("application/problem+json") }
}

struct TestUser: Sendable {
    let id: String
    let email: String
    let token: String
}

extension TestServer {
    func request(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: [String: Any]? = nil,
        raw: [UInt8]? = nil, headers: [(String, String)] = []
    ) async throws -> APIResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        var bytes = raw
        if let json { bytes = Array(try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) }
        if let bytes {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: bytes))
        }
        let response = try await TestServer.client.execute(request, timeout: .seconds(60))
        var buffer = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return APIResponse(
            status: Int(response.status.code), headers: response.headers,
            body: buffer.readBytes(length: buffer.readableBytes) ?? []
        )
    }

    func signup(role: String = "participant", name: String = "Test User") async throws -> TestUser {
        let email = "u\(UUID().uuidString.prefix(12).lowercased())@example.com"
        let response = try await request(.POST, "/api/auth/signup", json: [
            "name": name, "email": email, "password": "password123", "role": role,
        ])
        guard response.status == 201, let token = response.json["token"] as? String,
              let user = response.json["user"] as? [String: Any], let id = user["id"] as? String else {
            throw TestFailure("signup failed: \(response.status) \(response.text)")
        }
        return TestUser(id: id, email: email, token: token)
    }

    /// Creates a competition and returns its id.
    func createCompetition(
        by organizer: TestUser, title: String = "Test Cup", capacity: Int = 10, tags: [String] = [],
        deadlineIn: TimeInterval = 7 * 86400, startIn: TimeInterval? = nil, description: String = "A test competition",
        waitlist: Int = 0, opensAt: Date? = nil, timeZone: String = "UTC"
    ) async throws -> String {
        var body: [String: Any] = [
            "title": title, "description": description, "capacity": capacity, "tags": tags,
            "regDeadline": iso(Date().addingTimeInterval(deadlineIn)),
            "startDate": iso(Date().addingTimeInterval(startIn ?? deadlineIn + 86400)),
            "waitlistCapacity": waitlist, "timezone": timeZone,
        ]
        if let opensAt { body["opensAt"] = iso(opensAt) }
        let response = try await request(.POST, "/api/competitions", token: organizer.token, json: body)
        guard response.status == 201, let id = response.json["id"] as? String else {
            throw TestFailure("create competition failed: \(response.status) \(response.text)")
        }
        return id
    }

    func competition(_ id: String) async throws -> [String: Any] {
        try await request(.GET, "/api/competitions/\(id)").json
    }

    func register(_ user: TestUser, for competitionId: String, key: String? = nil) async throws -> APIResponse {
        try await request(.POST, "/api/competitions/\(competitionId)/register", token: user.token,
                          headers: key.map { [("Idempotency-Key", $0)] } ?? [])
    }

    /// Confirmed registrations of a competition, counted in the database.
    func confirmedCount(_ competitionId: String) async throws -> Int {
        try await count("""
            SELECT COUNT(*) AS n FROM registrations
            WHERE competition_id = \(bind: UUID(uuidString: competitionId)!) AND status = 'confirmed'
            """)
    }

    func outboxCount(topic: String) async throws -> Int {
        try await count("SELECT COUNT(*) AS n FROM outbox WHERE topic = \(bind: topic)")
    }

    /// Moves a competition's deadline into the past, as the passage of time would.
    func closeRegistration(_ competitionId: String) async throws {
        try await sql.raw("""
            UPDATE competitions SET reg_deadline = \(bind: Date().addingTimeInterval(-60))
            WHERE id = \(bind: UUID(uuidString: competitionId)!)
            """).run()
    }
}

func iso(_ date: Date) -> String { date.formatted(.iso8601) }
