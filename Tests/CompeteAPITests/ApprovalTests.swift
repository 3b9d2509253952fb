import Foundation
import SQLKit
import Testing

/// Competitions that approve each registration: pending takes no seat, approval claims one
/// under the no-oversell rule (or a waitlist place), decisions are owner-only and idempotent,
/// and every step sends its one message.
@Suite(.serialized) struct ApprovalTests {
    func approvalCompetition(_ server: TestServer, capacity: Int, waitlist: Int = 0) async throws -> (TestUser, String) {
        let organizer = try await server.signup(role: "organizer")
        let id = try await server.createCompetition(by: organizer, capacity: capacity, form: [
            "requiresApproval": true, "waitlistCapacity": waitlist,
        ])
        return (organizer, id)
    }

    func decide(_ server: TestServer, _ organizer: TestUser, _ id: String, _ registrationId: String, _ action: String,
                reason: String? = nil) async throws -> APIResponse {
        try await server.request(.POST, "/api/competitions/\(id)/registrations/\(registrationId)/\(action)", token: organizer.token,
                                 json: reason.map { ["reason": $0] })
    }

    /// 100 pending registrations, 20 seats and 30 waitlist places, every approval sent at once
    /// and the first 30 twice: exactly 20 seats, 30 places in order, 50 refusals that stay
    /// pending, one message each.
    @Test(arguments: Backend.all)
    func approvalStormNeverOversells(backend: Backend) async throws {
        try await withServer(backend) { server in
            let (organizer, id) = try await approvalCompetition(server, capacity: 20, waitlist: 30)
            let users = try await withThrowingTaskGroup(of: TestUser.self) { group in
                for index in 0..<100 { group.addTask { try await server.signup(name: "Applicant \(index)") } }
                return try await group.reduce(into: [TestUser]()) { $0.append($1) }
            }
            let pending = try await withThrowingTaskGroup(of: APIResponse.self) { group in
                for user in users { group.addTask { try await server.register(user, for: id) } }
                return try await group.reduce(into: [APIResponse]()) { $0.append($1) }
            }
            #expect(pending.allSatisfy { $0.status == 202 && $0.json["status"] as? String == "pending" })
            let before = try await server.competition(id)
            #expect(before["registeredCount"] as? Int == 0 && before["seatsLeft"] as? Int == 20, "pending holds no seat")
            let pendingList = try await server.request(.GET, "/api/competitions/\(id)/registrations?status=pending&limit=1000", token: organizer.token)
            #expect(pendingList.items.count == 100 && pendingList.json["total"] as? Int == 100)

            let ids = pending.compactMap { $0.json["registrationId"] as? String }
            let decisions = try await withThrowingTaskGroup(of: (String, APIResponse).self) { group in
                for registrationId in ids + ids.prefix(30) {
                    group.addTask { (registrationId, try await decide(server, organizer, id, registrationId, "approve")) }
                }
                return try await group.reduce(into: [(String, APIResponse)]()) { $0.append($1) }
            }
            var final: [String: APIResponse] = [:]
            for (registrationId, response) in decisions where response.status == 200 { final[registrationId] = response }
            let confirmed = final.values.filter { $0.json["status"] as? String == "confirmed" }
            let waitlisted = final.values.filter { $0.json["status"] as? String == "waitlisted" }
            #expect(confirmed.count == 20, "exactly 20 seats")
            #expect(waitlisted.count == 30)
            #expect(Set(waitlisted.compactMap { $0.json["position"] as? Int }) == Set(1...30), "waitlist places 1…30, once each")
            let refused = Set(decisions.filter { $0.1.code == "competition_full" }.map(\.0))
            #expect(refused.count == 50 && refused.isDisjoint(with: final.keys), "the rest refused, per registration")
            #expect(decisions.allSatisfy { $0.1.status == 200 || $0.1.code == "competition_full" })
            #expect(try await server.confirmedCount(id) == 20)
            let after = try await server.competition(id)
            #expect(after["registeredCount"] as? Int == 20 && after["seatsLeft"] as? Int == 0 && after["waitlistCount"] as? Int == 30)
            let stillPending = try await server.count("""
                SELECT COUNT(*) AS n FROM registrations WHERE competition_id = \(bind: UUID(uuidString: id)!) AND status = 'pending'
                """)
            #expect(stillPending == 50, "refused approvals stay pending")

            try await server.drain([server.system.makeWorker()])
            for (kind, count) in [("confirmation", 20), ("waitlisted", 30), ("pending", 100)] {
                let received = try await server.messagesPerUser(kind: kind)
                #expect(received.count == count && received.values.allSatisfy { $0 == 1 }, "one \(kind) message each")
            }
        }
    }

    @Test(arguments: Backend.all)
    func approvalWaitlistsWhenFull(backend: Backend) async throws {
        try await withServer(backend) { server in
            let (organizer, id) = try await approvalCompetition(server, capacity: 1, waitlist: 1)
            var registrations: [String] = []
            for _ in 0..<3 {
                let user = try await server.signup()
                registrations.append(try await server.register(user, for: id).json["registrationId"] as? String ?? "")
            }
            #expect(try await decide(server, organizer, id, registrations[0], "approve").json["status"] as? String == "confirmed")
            let waitlisted = try await decide(server, organizer, id, registrations[1], "approve")
            #expect(waitlisted.status == 200 && waitlisted.json["status"] as? String == "waitlisted" && waitlisted.json["position"] as? Int == 1)
            let again = try await decide(server, organizer, id, registrations[1], "approve")
            #expect(again.status == 200 && again.json["position"] as? Int == 1, "approving again answers the same")
            let full = try await decide(server, organizer, id, registrations[2], "approve")
            #expect(full.status == 409 && full.code == "competition_full")
            // After the deadline nobody applies, but the organizer still decides.
            let late = try await server.signup()
            try await server.closeRegistration(id)
            #expect(try await server.register(late, for: id).code == "registration_closed")
            #expect(try await decide(server, organizer, id, registrations[2], "decline").json["status"] as? String == "declined")
            try await server.drain([server.system.makeWorker()])
            #expect(try await server.mailCount(kind: "waitlisted") == 1)
        }
    }

    /// Each transition writes its webhook event in its own transaction: pending, then
    /// confirmed (and competition.full for the last seat), waitlisted, declined.
    @Test(arguments: Backend.all)
    func decisionsPublishWebhookEvents(backend: Backend) async throws {
        try await withServer(backend) { server in
            let (organizer, id) = try await approvalCompetition(server, capacity: 1, waitlist: 1)
            let hook = try await server.request(.POST, "/api/webhooks", token: organizer.token, json: [
                "url": "http://127.0.0.1:9/hook", "events": ["*"], "competitionId": id,
            ])
            #expect(hook.status == 201, "\(hook.text)")
            var registrations: [String] = []
            for _ in 0..<3 {
                let user = try await server.signup()
                registrations.append(try await server.register(user, for: id).json["registrationId"] as? String ?? "")
            }
            #expect(try await decide(server, organizer, id, registrations[0], "approve").status == 200)
            #expect(try await decide(server, organizer, id, registrations[1], "approve").status == 200)
            #expect(try await decide(server, organizer, id, registrations[2], "decline", reason: "No room").status == 200)
            let types = try await server.sql.raw("SELECT type FROM webhook_events ORDER BY created_at, type")
                .all(decodingColumn: "type", as: String.self)
            #expect(types.filter { $0 == "registration.pending" }.count == 3)
            for type in ["registration.confirmed", "competition.full", "registration.waitlisted", "registration.declined"] {
                #expect(types.filter { $0 == type }.count == 1, "\(type) in \(types)")
            }
        }
    }

    /// Before `opensAt` nobody applies either: the same opening condition as the seat claim.
    @Test(arguments: Backend.all)
    func applicationsWaitForTheOpening(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, capacity: 5, form: [
                "requiresApproval": true, "opensAt": iso(Date().addingTimeInterval(3600)),
            ])
            #expect(try await server.competition(id)["status"] as? String == "upcoming")
            let user = try await server.signup()
            let early = try await server.register(user, for: id)
            #expect(early.status == 409 && early.code == "registration_not_open")
            #expect(try await server.registrationRows(id) == 0)
            server.clock.advance(by: 3601)
            let applied = try await server.register(user, for: id)
            #expect(applied.status == 202 && applied.json["status"] as? String == "pending")
        }
    }

    @Test(arguments: Backend.all)
    func declineWithReasonAndTheRulesOfDeciding(backend: Backend) async throws {
        try await withServer(backend) { server in
            let (organizer, id) = try await approvalCompetition(server, capacity: 5)
            let user = try await server.signup()
            let registrationId = try await server.register(user, for: id).json["registrationId"] as? String ?? ""
            #expect(try await server.register(user, for: id).code == "already_registered")
            let stranger = try await server.signup(role: "organizer")
            #expect(try await decide(server, stranger, id, registrationId, "approve").status == 403)
            #expect(try await decide(server, user, id, registrationId, "decline").status == 403)
            #expect(try await decide(server, organizer, id, UUID().uuidString, "approve").status == 404)
            #expect(try await decide(server, organizer, id, "not-a-uuid", "approve").status == 404)
            let tooLong = try await decide(server, organizer, id, registrationId, "decline", reason: String(repeating: "r", count: 501))
            #expect(tooLong.status == 400 && tooLong.fieldErrors["reason"] != nil)

            let declined = try await decide(server, organizer, id, registrationId, "decline", reason: "Team is over the age limit.")
            #expect(declined.status == 200 && declined.json["status"] as? String == "declined")
            #expect(declined.json["declineReason"] as? String == "Team is over the age limit.")
            let twice = try await decide(server, organizer, id, registrationId, "decline")
            #expect(twice.status == 200 && twice.body == declined.body, "declining again answers the same")
            let approve = try await decide(server, organizer, id, registrationId, "approve")
            #expect(approve.status == 409 && approve.code == "registration_not_pending")
            #expect(try await server.register(user, for: id).code == "already_registered", "a decline is final")
            let mine = try await server.request(.GET, "/api/users/me/registrations", token: user.token).items.first
            #expect(mine?["status"] as? String == "declined" && mine?["declineReason"] as? String == "Team is over the age limit.")
            #expect(try await server.request(.DELETE, "/api/competitions/\(id)/register", token: user.token).status == 404)

            // A withdrawn (cancelled) application cannot be decided on.
            let other = try await server.signup()
            let otherId = try await server.register(other, for: id).json["registrationId"] as? String ?? ""
            #expect(try await server.request(.DELETE, "/api/competitions/\(id)/register", token: other.token).json["status"] as? String == "cancelled")
            #expect(try await decide(server, organizer, id, otherId, "approve").code == "registration_not_pending")
            #expect(try await decide(server, organizer, id, otherId, "decline").code == "registration_not_pending")
            #expect(try await server.competition(id)["registeredCount"] as? Int == 0)

            try await server.drain([server.system.makeWorker()])
            let messages = try await server.request(.GET, "/api/users/me/mailbox", token: user.token).items
            #expect(messages.compactMap { $0["kind"] as? String }.sorted() == ["declined", "pending"], "one message each")
            let declinedMessage = messages.first { $0["kind"] as? String == "declined" }
            #expect((declinedMessage?["body"] as? String)?.contains("The organizer's reason: Team is over the age limit.") == true)
            let declinedList = try await server.request(.GET, "/api/competitions/\(id)/registrations?status=declined", token: organizer.token)
            #expect(declinedList.items.count == 1 && declinedList.json["total"] as? Int == 1)
            #expect(try await server.request(.GET, "/api/competitions/\(id)/registrations?status=cancelled", token: organizer.token).status == 400)
        }
    }
}
