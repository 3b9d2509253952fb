import Foundation
import Testing

/// Hundreds of participants registering at once over real HTTP: never more confirmed seats than
/// capacity, and idempotent duplicates never register twice.
@Suite(.serialized) struct StormTests {
    static let participants = 300
    static let capacity = 50

    @Test(arguments: Backend.all)
    func distinctParticipantsNeverOversell(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, capacity: Self.capacity)
            let users = try await Self.participants(server)

            let statuses = try await withThrowingTaskGroup(of: APIResponse.self) { group in
                for user in users { group.addTask { try await server.register(user, for: id) } }
                return try await group.reduce(into: [APIResponse]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0.status == 201 }.count == Self.capacity)
            #expect(statuses.filter { $0.status == 409 && $0.code == "competition_full" }.count == Self.participants - Self.capacity)
            #expect(try await server.confirmedCount(id) == Self.capacity)
            let competition = try await server.competition(id)
            #expect(competition["registeredCount"] as? Int == Self.capacity)
            #expect(competition["seatsLeft"] as? Int == 0)
            #expect(competition["status"] as? String == "full")
            #expect(try await server.outboxCount(topic: "registration:confirmation") == Self.capacity)
        }
    }

    @Test(arguments: Backend.all)
    func duplicatedRequestsWithOneKeyRegisterOnce(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, capacity: Self.capacity)
            let users = try await Self.participants(server)

            // Every participant sends the same request twice at once, with one key.
            let pairs = try await withThrowingTaskGroup(of: (Int, APIResponse, APIResponse).self) { group in
                for (index, user) in users.enumerated() {
                    group.addTask {
                        let key = "storm-\(index)"
                        async let first = server.register(user, for: id, key: key)
                        async let second = server.register(user, for: id, key: key)
                        return (index, try await first, try await second)
                    }
                }
                return try await group.reduce(into: [(Int, APIResponse, APIResponse)]()) { $0.append($1) }
            }

            var finals: [APIResponse] = []
            for (index, first, second) in pairs {
                let answers = [first, second]
                let inProgress = answers.filter { $0.code == "idempotency_request_in_progress" }
                let settled = answers.filter { $0.code != "idempotency_request_in_progress" }
                #expect(inProgress.count <= 1, "both requests of participant \(index) were refused as in progress")
                #expect(inProgress.allSatisfy { $0.status == 409 && $0.headers.first(name: "Retry-After") != nil })
                guard let answer = settled.first else { continue }
                if settled.count == 2 {
                    #expect(settled[0].status == settled[1].status && settled[0].body == settled[1].body,
                            "participant \(index) got two different answers")
                }
                if inProgress.count == 1 {
                    // A sequential retry after the in-progress answer replays the stored outcome.
                    let retry = try await server.register(users[index], for: id, key: "storm-\(index)")
                    #expect(retry.status == answer.status && retry.body == answer.body)
                    #expect(retry.headers.first(name: "Idempotent-Replayed") == "true")
                }
                finals.append(answer)
            }
            #expect(finals.count == Self.participants)
            #expect(finals.filter { $0.status == 201 }.count == Self.capacity)
            #expect(finals.filter { $0.code == "competition_full" }.count == Self.participants - Self.capacity)
            #expect(try await server.confirmedCount(id) == Self.capacity)
            #expect(try await server.competition(id)["registeredCount"] as? Int == Self.capacity)
            #expect(try await server.outboxCount(topic: "registration:confirmation") == Self.capacity)
        }
    }

    static func participants(_ server: TestServer) async throws -> [TestUser] {
        try await withThrowingTaskGroup(of: TestUser.self) { group in
            for index in 0..<participants { group.addTask { try await server.signup(name: "Storm \(index)") } }
            return try await group.reduce(into: [TestUser]()) { $0.append($1) }
        }
    }
}
