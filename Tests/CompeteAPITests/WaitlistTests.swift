import Foundation
import SQLKit
import Testing

/// Waitlists: FIFO places under a storm, promotion in the transaction that frees a seat, and
/// never after the start.
@Suite(.serialized) struct WaitlistTests {
    func createWithWaitlist(_ server: TestServer, capacity: Int, waitlist: Int) async throws -> (TestUser, String) {
        let organizer = try await server.signup(role: "organizer")
        let id = try await server.createCompetition(by: organizer, capacity: capacity)
        let patched = try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token, json: ["waitlistCapacity": waitlist])
        #expect(patched.status == 200 && patched.json["waitlistCapacity"] as? Int == waitlist)
        return (organizer, id)
    }

    func waitlistPositions(_ server: TestServer, _ users: [TestUser]) async throws -> [String: Int] {
        var positions: [String: Int] = [:]
        for user in users {
            let items = try await server.request(.GET, "/api/users/me/registrations", token: user.token).items
            for item in items where item["status"] as? String == "waitlisted" {
                positions[user.id] = item["position"] as? Int
            }
        }
        return positions
    }

    @Test(arguments: Backend.all)
    func stormFillsSeatsThenWaitlistInOrder(backend: Backend) async throws {
        try await withServer(backend) { server in
            let (organizer, id) = try await createWithWaitlist(server, capacity: 40, waitlist: 50)
            let users = try await withThrowingTaskGroup(of: TestUser.self) { group in
                for index in 0..<150 { group.addTask { try await server.signup(name: "Wait \(index)") } }
                return try await group.reduce(into: [TestUser]()) { $0.append($1) }
            }
            let answers = try await withThrowingTaskGroup(of: (TestUser, APIResponse).self) { group in
                for user in users { group.addTask { (user, try await server.register(user, for: id)) } }
                return try await group.reduce(into: [(TestUser, APIResponse)]()) { $0.append($1) }
            }
            let confirmed = answers.filter { $0.1.status == 201 }
            let waitlisted = answers.filter { $0.1.status == 202 }
            #expect(confirmed.count == 40)
            #expect(waitlisted.count == 50)
            #expect(answers.filter { $0.1.code == "competition_full" }.count == 60)
            #expect(waitlisted.allSatisfy { $0.1.json["status"] as? String == "waitlisted" })
            let positions = waitlisted.compactMap { $0.1.json["position"] as? Int }.sorted()
            #expect(positions == Array(1...50), "positions 1…50, no gaps, no duplicates")
            let competition = try await server.competition(id)
            #expect(competition["registeredCount"] as? Int == 40 && competition["waitlistCount"] as? Int == 50)
            #expect(try await server.confirmedCount(id) == 40)

            // 10 confirmed participants cancel at once: the first 10 waiting move up, in order.
            let byPosition = waitlisted.sorted { ($0.1.json["position"] as? Int ?? 0) < ($1.1.json["position"] as? Int ?? 0) }
            try await withThrowingTaskGroup(of: Int.self) { group in
                for (user, _) in confirmed.prefix(10) {
                    group.addTask { try await server.request(.DELETE, "/api/competitions/\(id)/register", token: user.token).status }
                }
                for try await status in group { #expect(status == 200) }
            }
            #expect(try await server.confirmedCount(id) == 40)
            let after = try await server.competition(id)
            #expect(after["registeredCount"] as? Int == 40 && after["waitlistCount"] as? Int == 40 && after["seatsLeft"] as? Int == 0)
            let promoted = Set(byPosition.prefix(10).map { $0.0.id })
            let nowConfirmed = try await server.sql.raw("""
                SELECT user_id FROM registrations WHERE competition_id = \(bind: UUID(uuidString: id)!) AND status = 'confirmed'
                """).all().map { try $0.decode(column: "user_id", as: UUID.self).uuidString.lowercased() }
            #expect(promoted.isSubset(of: Set(nowConfirmed)), "exactly the first ten waiting were promoted")
            #expect(try await server.outboxCount(topic: "registration:promotion") == 10)
            let remaining = try await waitlistPositions(server, byPosition.dropFirst(10).map(\.0))
            #expect(remaining.values.sorted() == Array(1...40), "the rest renumbered 1…40")
            #expect(remaining[byPosition[10].0.id] == 1)

            // Raising capacity by 5 promotes the next 5.
            let raised = try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token, json: ["capacity": 45])
            #expect(raised.json["registeredCount"] as? Int == 45 && raised.json["waitlistCount"] as? Int == 35)
            #expect(try await server.confirmedCount(id) == 45)
            let confirmedNow = try await server.sql.raw("""
                SELECT user_id FROM registrations WHERE competition_id = \(bind: UUID(uuidString: id)!) AND status = 'confirmed'
                """).all().map { try $0.decode(column: "user_id", as: UUID.self).uuidString.lowercased() }
            #expect(Set(byPosition[10..<15].map { $0.0.id }).isSubset(of: Set(confirmedNow)))

            // The waitlist cannot shrink below the people on it.
            let shrink = try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token, json: ["waitlistCapacity": 10])
            #expect(shrink.status == 400 && shrink.code == "validation_failed")

            // Promotion messages go through the job pipeline, once each.
            try await server.drain([server.system.makeWorker()])
            #expect(try await server.mailCount(kind: "promotion") == 15)
        }
    }

    @Test(arguments: Backend.all)
    func leavingTheWaitlistAndIdempotentReplay(backend: Backend) async throws {
        try await withServer(backend) { server in
            let (_, id) = try await createWithWaitlist(server, capacity: 1, waitlist: 2)
            let holder = try await server.signup()
            let first = try await server.signup()
            let second = try await server.signup()
            let third = try await server.signup()
            #expect(try await server.register(holder, for: id).status == 201)
            let waiting = try await server.register(first, for: id, key: "wl-1")
            #expect(waiting.status == 202 && waiting.json["position"] as? Int == 1)
            #expect(try await server.register(second, for: id).json["position"] as? Int == 2)
            #expect(try await server.register(third, for: id).code == "competition_full")
            #expect(try await server.register(first, for: id).code == "already_registered")

            // A replay gives the original 202 and position, even after the queue moved.
            _ = try await server.request(.DELETE, "/api/competitions/\(id)/register", token: first.token)
            let replay = try await server.register(first, for: id, key: "wl-1")
            #expect(replay.status == 202 && replay.body == waiting.body && replay.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(try await waitlistPositions(server, [second])[second.id] == 1)
            #expect(try await server.competition(id)["waitlistCount"] as? Int == 1)
            // The freed waitlist place is open again.
            #expect(try await server.register(third, for: id).json["position"] as? Int == 2)
        }
    }

    @Test(arguments: Backend.all)
    func noPromotionAfterTheStart(backend: Backend) async throws {
        try await withServer(backend) { server in
            let (_, id) = try await createWithWaitlist(server, capacity: 1, waitlist: 1)
            let holder = try await server.signup()
            let waiting = try await server.signup()
            _ = try await server.register(holder, for: id)
            _ = try await server.register(waiting, for: id)
            try await server.sql.raw("""
                UPDATE competitions SET reg_deadline = \(bind: Date().addingTimeInterval(-7200)),
                    start_date = \(bind: Date().addingTimeInterval(-3600))
                WHERE id = \(bind: UUID(uuidString: id)!)
                """).run()
            #expect(try await server.request(.DELETE, "/api/competitions/\(id)/register", token: holder.token).status == 200)
            let competition = try await server.competition(id)
            #expect(competition["registeredCount"] as? Int == 0 && competition["waitlistCount"] as? Int == 1)
            #expect(try await waitlistPositions(server, [waiting])[waiting.id] == 1)
            #expect(try await server.outboxCount(topic: "registration:promotion") == 0)
        }
    }
}
