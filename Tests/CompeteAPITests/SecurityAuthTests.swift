import Foundation
import Testing

/// Issue 14 over real HTTP: hashing that must not starve the database. Every test checks the
/// status and that nothing was written or leaked.
@Suite struct SecurityAuthTests {
    static let login = "/api/auth/login"
    static let signup = "/api/auth/signup"

    // MARK: - Item 3: password hashing cannot starve the database

    /// One hashing thread and no queue: concurrent logins beyond it are refused at once with
    /// 503 and `Retry-After` (not queued), and write nothing.
    @Test(arguments: Backend.all)
    func saturatedHashingAnswers503AtOnce(backend: Backend) async throws {
        try await withServer(backend, configure: {
            $0.bcryptThreads = 1
            $0.bcryptQueue = 0
            $0.bcryptCost = 11
        }) { server in
            let answers = try await withThrowingTaskGroup(of: (Int, APIResponse).self) { group in
                for index in 0..<6 {
                    group.addTask {
                        (index, try await server.request(.POST, Self.login, json: ["email": "someone\(index)@example.com", "password": "password123"]))
                    }
                }
                group.addTask {
                    (6, try await server.request(.POST, Self.signup, json: ["name": "N", "email": "new@example.com", "password": "password123"]))
                }
                return try await group.reduce(into: [Int: APIResponse]()) { $0[$1.0] = $1.1 }
            }
            let statuses = answers.values.map(\.status)
            #expect(statuses.contains(503), "\(statuses)")
            #expect(statuses.allSatisfy { [401, 503, 201].contains($0) }, "\(statuses)")
            for busy in answers.values where busy.status == 503 {
                #expect(busy.code == "temporarily_unavailable" && busy.isProblem && busy.headers.first(name: "Retry-After") == "1")
            }
            let created = answers[6]?.status == 201 ? 1 : 0
            #expect(try await server.count("SELECT COUNT(*) AS n FROM users") == created)
        }
    }

    /// Hashing queued deep on its own thread does not hold up SQLite, whose statements run on
    /// the application's thread pool. Seconds of hashing are queued (cost 13, about a second
    /// each here): on the shared pool the read would wait for several of them; on its own
    /// pool it answers at once. The bound is loose because other suites load the machine.
    @Test func hashingBacklogDoesNotDelayDatabaseReads() async throws {
        try await withServer(.sqlite, configure: {
            $0.bcryptThreads = 1
            $0.bcryptQueue = 100
            $0.bcryptCost = 13
        }) { server in
            let user = try await server.signup()
            let logins = Task {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<8 {
                        group.addTask {
                            try await server.request(.POST, Self.login, json: ["email": "x\(index)@example.com", "password": "password123"]).status
                        }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            let started = ContinuousClock.now
            let read = try await server.request(.GET, "/api/users/me/registrations", token: user.token)
            let elapsed = ContinuousClock.now - started
            let statuses = try await logins.value
            #expect(read.status == 200)
            #expect(elapsed < .milliseconds(3_000), "a read waited \(elapsed) behind password hashing")
            #expect(statuses.allSatisfy { $0 == 401 }, "\(statuses)")
        }
    }
}
