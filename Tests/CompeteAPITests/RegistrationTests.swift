import Foundation
import Testing

@Suite struct RegistrationTests {
    @Test(arguments: Backend.all)
    func registerCancelAndRegisterAgain(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let user = try await server.signup()
            let id = try await server.createCompetition(by: organizer, capacity: 3)

            let created = try await server.register(user, for: id)
            #expect(created.status == 201)
            #expect(created.contentType.hasPrefix("application/json"))
            #expect(created.json["competitionId"] as? String == id)
            #expect(created.json["status"] as? String == "confirmed")
            #expect(created.json["registeredAt"] is String)
            let registrationId = try #require(created.json["registrationId"] as? String)
            #expect(try await server.competition(id)["registeredCount"] as? Int == 1)
            #expect(try await server.competition(id)["seatsLeft"] as? Int == 2)

            let again = try await server.register(user, for: id)
            #expect(again.status == 409 && again.code == "already_registered" && again.isProblem)
            #expect(try await server.confirmedCount(id) == 1)

            let mine = try await server.request(.GET, "/api/users/me/registrations", token: user.token)
            #expect(mine.status == 200)
            let item = try #require(mine.items.first)
            #expect(item["registrationId"] as? String == registrationId)
            #expect(item["status"] as? String == "confirmed")
            let summary = try #require(item["competition"] as? [String: Any])
            #expect(summary["id"] as? String == id && summary["title"] as? String == "Test Cup")
            #expect(summary["regDeadline"] is String && summary["startDate"] is String)

            let cancelled = try await server.request(.DELETE, "/api/competitions/\(id)/register", token: user.token)
            #expect(cancelled.status == 200)
            #expect(cancelled.json["registrationId"] as? String == registrationId)
            #expect(cancelled.json["status"] as? String == "cancelled")
            #expect(try await server.competition(id)["registeredCount"] as? Int == 0)
            #expect(try await server.outboxCount(topic: "registration:cancellation") == 1)

            let twice = try await server.request(.DELETE, "/api/competitions/\(id)/register", token: user.token)
            #expect(twice.status == 404 && twice.code == "not_registered")

            let back = try await server.register(user, for: id)
            #expect(back.status == 201)
            #expect(back.json["registrationId"] as? String != registrationId)
            #expect(try await server.competition(id)["registeredCount"] as? Int == 1)
            let history = try await server.request(.GET, "/api/users/me/registrations", token: user.token).items
            #expect(history.compactMap { $0["status"] as? String }.sorted() == ["cancelled", "confirmed"])
        }
    }

    @Test(arguments: Backend.all)
    func fullClosedAndMissingCompetitions(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let first = try await server.signup()
            let second = try await server.signup()
            let id = try await server.createCompetition(by: organizer, capacity: 1)

            #expect(try await server.register(first, for: id).status == 201)
            let full = try await server.register(second, for: id)
            #expect(full.status == 409 && full.code == "competition_full")
            #expect(full.json["status"] as? Int == 409 && full.json["detail"] is String && full.json["title"] is String)
            #expect(try await server.competition(id)["status"] as? String == "full")
            // Already registered wins over full for someone who holds a seat.
            #expect(try await server.register(first, for: id).code == "already_registered")

            // A freed seat is free at once.
            _ = try await server.request(.DELETE, "/api/competitions/\(id)/register", token: first.token)
            #expect(try await server.register(second, for: id).status == 201)
            // So is a seat added by the organizer, right after a refusal.
            let third = try await server.signup()
            #expect(try await server.register(third, for: id).code == "competition_full")
            #expect(try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token, json: ["capacity": 2]).status == 200)
            #expect(try await server.register(third, for: id).status == 201)
            _ = try await server.request(.DELETE, "/api/competitions/\(id)/register", token: third.token)

            try await server.closeRegistration(id)
            _ = try await server.request(.DELETE, "/api/competitions/\(id)/register", token: second.token)
            let closed = try await server.register(first, for: id)
            #expect(closed.status == 409 && closed.code == "registration_closed")
            #expect(try await server.competition(id)["status"] as? String == "closed")

            let missing = try await server.register(first, for: UUID().uuidString)
            #expect(missing.status == 404 && missing.code == "not_found")
            let garbage = try await server.register(first, for: "not-a-uuid")
            #expect(garbage.status == 404 && garbage.code == "not_found")
            #expect(try await server.outboxCount(topic: "registration:confirmation") == 3)
        }
    }

    @Test(arguments: Backend.all)
    func onlyParticipantsRegister(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer)
            let forbidden = try await server.register(organizer, for: id)
            #expect(forbidden.status == 403 && forbidden.code == "forbidden")
            let anonymous = try await server.request(.POST, "/api/competitions/\(id)/register")
            #expect(anonymous.status == 401 && anonymous.code == "unauthorized")
            #expect(try await server.confirmedCount(id) == 0)
        }
    }

    /// The outbox row exists exactly when the registration committed.
    @Test(arguments: Backend.all)
    func outboxRowsFollowCommittedRegistrations(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, capacity: 2)
            var confirmed: [String] = []
            for _ in 0..<4 {
                let response = try await server.register(try await server.signup(), for: id)
                if let registrationId = response.json["registrationId"] as? String { confirmed.append(registrationId) }
            }
            #expect(confirmed.count == 2)
            let rows = try await server.sql.raw("SELECT payload FROM outbox WHERE topic = 'registration:confirmation'").all()
            let payloads = try rows.map { try $0.decode(column: "payload", as: String.self).lowercased() }
            #expect(payloads.count == 2)
            for registrationId in confirmed {
                #expect(payloads.contains { $0.contains(registrationId) })
            }
        }
    }
}
