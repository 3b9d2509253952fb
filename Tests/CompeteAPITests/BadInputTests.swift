import Foundation
import NIOHTTP1
import Testing

/// Hostile and broken requests: every one gets a 4xx problem+json, never a 5xx, never a write.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let method: HTTPMethod
        let path: String
        let auth: Who
        let body: String?
        let status: Int
        let code: String
        var field: String? = nil
    }

    enum Who: Sendable { case nobody, participant, organizer }

    static let future = iso(Date().addingTimeInterval(86400 * 3))
    static let valid = #""title":"T","capacity":5,"regDeadline":"\#(future)""#

    static let cases: [Case] = [
        Case(description: "malformed JSON", method: .POST, path: "/api/auth/signup", auth: .nobody, body: #"{"name":"#, status: 400, code: "validation_failed", field: "body"),
        Case(description: "array body", method: .POST, path: "/api/auth/signup", auth: .nobody, body: "[]", status: 400, code: "validation_failed", field: "body"),
        Case(description: "string body", method: .POST, path: "/api/auth/signup", auth: .nobody, body: #""hi""#, status: 400, code: "validation_failed"),
        Case(description: "name wrong type", method: .POST, path: "/api/auth/signup", auth: .nobody, body: #"{"name":123,"email":"a@b.co","password":"password123"}"#, status: 400, code: "validation_failed", field: "name"),
        Case(description: "missing fields", method: .POST, path: "/api/auth/signup", auth: .nobody, body: "{}", status: 400, code: "validation_failed", field: "email"),
        Case(description: "unknown role", method: .POST, path: "/api/auth/signup", auth: .nobody, body: #"{"name":"A","email":"a@b.co","password":"password123","role":"admin"}"#, status: 400, code: "validation_failed", field: "role"),
        Case(description: "name too long", method: .POST, path: "/api/auth/signup", auth: .nobody, body: #"{"name":"\#(String(repeating: "n", count: 101))","email":"a@b.co","password":"password123"}"#, status: 400, code: "validation_failed", field: "name"),
        Case(description: "short password", method: .POST, path: "/api/auth/signup", auth: .nobody, body: #"{"name":"A","email":"a@b.co","password":"short"}"#, status: 400, code: "validation_failed", field: "password"),
        Case(description: "bad email", method: .POST, path: "/api/auth/signup", auth: .nobody, body: #"{"name":"A","email":"not-an-email","password":"password123"}"#, status: 400, code: "validation_failed", field: "email"),
        Case(description: "null email", method: .POST, path: "/api/auth/signup", auth: .nobody, body: #"{"name":"A","email":null,"password":"password123"}"#, status: 400, code: "validation_failed", field: "email"),
        Case(description: "login without password", method: .POST, path: "/api/auth/login", auth: .nobody, body: #"{"email":"a@b.co"}"#, status: 400, code: "validation_failed", field: "password"),
        Case(description: "login email number", method: .POST, path: "/api/auth/login", auth: .nobody, body: #"{"email":5,"password":"x"}"#, status: 400, code: "validation_failed", field: "email"),
        Case(description: "negative capacity", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{"title":"T","capacity":-1,"regDeadline":"\#(future)"}"#, status: 400, code: "validation_failed", field: "capacity"),
        Case(description: "zero capacity", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{"title":"T","capacity":0,"regDeadline":"\#(future)"}"#, status: 400, code: "validation_failed", field: "capacity"),
        Case(description: "capacity too big", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{"title":"T","capacity":100001,"regDeadline":"\#(future)"}"#, status: 400, code: "validation_failed", field: "capacity"),
        Case(description: "absurd capacity", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{"title":"T","capacity":1e30,"regDeadline":"\#(future)"}"#, status: 400, code: "validation_failed", field: "capacity"),
        Case(description: "fractional capacity", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{"title":"T","capacity":1.5,"regDeadline":"\#(future)"}"#, status: 400, code: "validation_failed", field: "capacity"),
        Case(description: "capacity as string", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{"title":"T","capacity":"10","regDeadline":"\#(future)"}"#, status: 400, code: "validation_failed", field: "capacity"),
        Case(description: "past deadline", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{"title":"T","capacity":5,"regDeadline":"2001-01-01T00:00:00Z"}"#, status: 400, code: "validation_failed", field: "regDeadline"),
        Case(description: "deadline not a date", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{"title":"T","capacity":5,"regDeadline":"tomorrow"}"#, status: 400, code: "validation_failed", field: "regDeadline"),
        Case(description: "deadline as number", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{"title":"T","capacity":5,"regDeadline":1767225600}"#, status: 400, code: "validation_failed", field: "regDeadline"),
        Case(description: "start before deadline", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{"title":"T","capacity":5,"regDeadline":"\#(future)","startDate":"2001-01-01T00:00:00Z"}"#, status: 400, code: "validation_failed", field: "startDate"),
        Case(description: "title too long", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{"title":"\#(String(repeating: "t", count: 201))","capacity":5,"regDeadline":"\#(future)"}"#, status: 400, code: "validation_failed", field: "title"),
        Case(description: "NUL in title", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{"title":"\u0000x","capacity":5,"regDeadline":"\#(future)"}"#, status: 400, code: "validation_failed", field: "title"),
        Case(description: "escape in description", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{\#(valid),"description":"a\u001bb"}"#, status: 400, code: "validation_failed", field: "description"),
        Case(description: "NUL in name", method: .POST, path: "/api/auth/signup", auth: .nobody, body: #"{"name":"A\u0000","email":"a@b.co","password":"password123"}"#, status: 400, code: "validation_failed", field: "name"),
        Case(description: "tags not an array", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{\#(valid),"tags":"running"}"#, status: 400, code: "validation_failed", field: "tags"),
        Case(description: "bad tag", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{\#(valid),"tags":["no spaces!"]}"#, status: 400, code: "validation_failed", field: "tags"),
        Case(description: "too many tags", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{\#(valid),"tags":["a","b","c","d","e","f","g","h","i","j","k"]}"#, status: 400, code: "validation_failed", field: "tags"),
        Case(description: "1 MB body", method: .POST, path: "/api/competitions", auth: .organizer, body: #"{"title":"\#(String(repeating: "x", count: 1_048_576))"}"#, status: 413, code: "payload_too_large"),
        Case(description: "non-UUID competition", method: .GET, path: "/api/competitions/not-a-uuid", auth: .nobody, body: nil, status: 404, code: "not_found"),
        Case(description: "non-UUID patch", method: .PATCH, path: "/api/competitions/123", auth: .organizer, body: "{}", status: 404, code: "not_found"),
        Case(description: "non-UUID cancel", method: .DELETE, path: "/api/competitions/zzz/register", auth: .participant, body: nil, status: 404, code: "not_found"),
        Case(description: "non-UUID registrants", method: .GET, path: "/api/competitions/zzz/registrations", auth: .organizer, body: nil, status: 404, code: "not_found"),
        Case(description: "unknown route", method: .GET, path: "/api/nothing-here", auth: .nobody, body: nil, status: 404, code: "not_found"),
    ]

    @Test(arguments: Backend.all)
    func everyBadRequestGetsAClearProblem(backend: Backend) async throws {
        try await withServer(backend) { server in
            let participant = try await server.signup()
            let organizer = try await server.signup(role: "organizer")
            for badCase in Self.cases {
                let token: String? = switch badCase.auth {
                case .nobody: nil
                case .participant: participant.token
                case .organizer: organizer.token
                }
                let response = try await server.request(badCase.method, badCase.path, token: token, raw: badCase.body.map { Array($0.utf8) })
                #expect(response.status == badCase.status, "\(badCase): \(response.status) \(response.text.prefix(300))")
                #expect(response.isProblem, "\(badCase): content type \(response.contentType)")
                #expect(response.code == badCase.code, "\(badCase): code \(response.code ?? "none")")
                #expect(response.json["status"] as? Int == badCase.status)
                #expect((response.json["detail"] as? String)?.isEmpty == false)
                if let field = badCase.field {
                    let fields = (response.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                    #expect(fields.contains(field), "\(badCase): fields \(fields)")
                }
            }
            #expect(try await server.count("SELECT COUNT(*) AS n FROM competitions") == 0)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM users") == 2)

            let unicode = try await server.request(.POST, "/api/competitions", token: organizer.token, json: [
                "title": "Ünïcødé Cup 🏁 — 大会", "capacity": 5, "regDeadline": Self.future,
            ])
            #expect(unicode.status == 201 && unicode.json["title"] as? String == "Ünïcødé Cup 🏁 — 大会")
        }
    }
}
