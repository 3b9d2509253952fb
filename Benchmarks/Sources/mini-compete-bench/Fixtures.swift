import Foundation

/// Accounts and competitions made through the API before anything is timed, so neither bcrypt
/// nor login is on a measured path.
struct Fixtures: Sendable {
    struct Account: Sendable {
        let id: String
        let token: String
    }

    let organizer: Account
    let participants: [Account]

    private struct Signup: Encodable {
        let name: String
        let email: String
        let password: String
        let role: String
    }

    private struct Session: Decodable {
        struct User: Decodable { let id: String }
        let token: String
        let user: User
    }

    /// Signs up one organizer and `participants` participants, `concurrency` at a time. Emails
    /// carry `run` so that repeated runs against one database never collide.
    static func make(client: APIClient, run: String, participants count: Int, concurrency: Int) async throws -> Fixtures {
        let organizer = try await signup(client: client, email: "bench-\(run)-organizer@bench.test", role: "organizer")
        let participants = try await parallelMap(count, concurrency: concurrency) { index in
            try await signup(client: client, email: "bench-\(run)-p\(index)@bench.test", role: "participant")
        }
        return Fixtures(organizer: organizer, participants: participants)
    }

    private static func signup(client: APIClient, email: String, role: String) async throws -> Account {
        let body = Signup(name: "Bench \(role)", email: email, password: "bench-password", role: role)
        let session = try await client.expect(201, try client.request(.POST, "/auth/signup", json: body), as: Session.self)
        return Account(id: session.user.id, token: session.token)
    }
}

/// The fields of a competition the benchmark reads back.
struct CompetitionState: Decodable, Sendable {
    let id: String
    let capacity: Int
    let registeredCount: Int
    /// Absent on a build without opening times (then the rush cannot run).
    let opensAt: String?
}

/// Creating competitions as the organizer.
extension APIClient {
    private struct NewCompetition: Encodable {
        let title: String
        let description: String
        let tags: [String]
        let capacity: Int
        let regDeadline: Date
        let startDate: Date
        let questions: [BenchForm.Question]?
        let rules: String?
        /// Absent optionals are left out of the JSON, so a build without opening times still
        /// accepts the competitions of every scenario but the rush.
        let opensAt: Date?
    }

    /// Creates `count` competitions of `capacity` seats, open for a day (from `opensAt` when
    /// given, with the registration form `questions`/`rules` when given); returns their ids.
    func createCompetitions(
        _ count: Int, capacity: Int, title: String, organizer: Fixtures.Account, concurrency: Int,
        questions: [BenchForm.Question]? = nil, rules: String? = nil, opensAt: Date? = nil
    ) async throws -> [String] {
        let deadline = Date().addingTimeInterval(86_400)
        return try await parallelMap(count, concurrency: concurrency) { index in
            let body = NewCompetition(
                title: "\(title) \(index)", description: "Benchmark competition \(index).", tags: ["bench"],
                capacity: capacity, regDeadline: deadline, startDate: deadline.addingTimeInterval(86_400),
                questions: questions, rules: rules, opensAt: opensAt
            )
            let request = try request(.POST, "/competitions", token: organizer.token, json: body)
            return try await expect(201, request, as: CompetitionState.self).id
        }
    }
}
