import Foundation
import NIOHTTP1
import Testing

/// The Teams section of API.md, route by route, on every backend.
@Suite(.serialized) struct TeamTests {
    @Test(arguments: Backend.all)
    func teamSizeIsValidatedAndIndividualsAreTurnedAway(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createTeamCompetition(by: organizer, min: 2, max: 4)
            let competition = try await server.competition(id)
            #expect(competition["teamSize"] as? [String: Int] == ["min": 2, "max": 4])
            let individual = try await server.createCompetition(by: organizer)
            #expect(try await server.competition(individual)["teamSize"] is NSNull)

            for bad: Any in [["min": 0, "max": 2], ["min": 3, "max": 2], ["min": 1, "max": 101], ["min": 1], "two", ["min": 1.5, "max": 2]] {
                let response = try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token, json: ["teamSize": bad])
                #expect(response.status == 400 && response.code == "validation_failed", "\(bad)")
            }
            let user = try await server.signup()
            let refused = try await server.register(user, for: id)
            #expect(refused.status == 409 && refused.code == "team_required")
            #expect(try await server.createTeam(user, in: individual, name: "Nope").code == "not_a_team_competition")

            // Once a team holds a place, the competition cannot go back to individuals.
            #expect(try await server.createTeam(user, in: id, name: "First").status == 201)
            let patched = try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token, json: ["teamSize": NSNull()])
            #expect(patched.status == 400 && patched.code == "validation_failed")
            let resized = try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token,
                                                   json: ["teamSize": ["min": 1, "max": 5]])
            #expect(resized.status == 200 && resized.json["teamSize"] as? [String: Int] == ["min": 1, "max": 5])
            #expect(try await server.register(user, for: id).code == "team_required")
            #expect(try await server.request(.DELETE, "/api/competitions/\(id)/register", token: user.token).code == "team_required")
        }
    }

    @Test(arguments: Backend.all)
    func outsidersLearnNothingAboutATeam(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createTeamCompetition(by: organizer)
            let captain = try await server.signup(name: "Cap")
            let created = try await server.createTeam(captain, in: id, name: "Secretive")
            #expect(created.status == 201)
            let teamId = try #require(created.teamId)
            let code = try #require(created.inviteCode)
            #expect(created.json["captain"] as? [String: String] == ["id": captain.id, "name": "Cap"])
            #expect(created.json["size"] as? Int == 1 && created.json["complete"] as? Bool == false)

            #expect(try await server.request(.GET, "/api/teams/\(teamId)", token: captain.token).status == 200)
            let owner = try await server.request(.GET, "/api/teams/\(teamId)", token: organizer.token)
            #expect(owner.status == 200 && owner.inviteCode == code)
            let stranger = try await server.signup()
            let otherOrganizer = try await server.signup(role: "organizer")
            for user in [stranger, otherOrganizer] {
                for (method, path): (HTTPMethod, String) in [(.GET, "/api/teams/\(teamId)"), (.DELETE, "/api/teams/\(teamId)"),
                                       (.POST, "/api/teams/\(teamId)/invite-code"),
                                       (.DELETE, "/api/teams/\(teamId)/members/\(captain.id)")] {
                    let response = try await server.request(method, path, token: user.token)
                    #expect(response.status == 404 && response.code == "not_found", "\(method) \(path)")
                    #expect(!response.text.contains(code) && !response.text.contains("Secretive"))
                }
            }
            #expect(try await server.request(.GET, "/api/teams/\(UUID())", token: captain.token).status == 404)
            #expect(try await server.request(.GET, "/api/teams/not-a-uuid", token: captain.token).status == 404)
            #expect(try await server.request(.GET, "/api/teams/\(teamId)").status == 401)
            #expect(try await server.joinTeam(stranger, code: "NOSUCHCODE").code == "not_found")
            #expect(try await server.joinTeam(stranger, code: "").code == "validation_failed")
        }
    }

    @Test(arguments: Backend.all)
    func captainRunsTheTeamAndMembersComeAndGo(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createTeamCompetition(by: organizer, capacity: 1, min: 2, max: 3, waitlist: 5)
            let captain = try await server.signup(name: "Ada")
            let created = try await server.createTeam(captain, in: id, name: "Lovelace")
            let teamId = try #require(created.teamId)
            #expect(try await server.createTeam(try await server.signup(), in: id, name: "LOVELACE").code == "team_name_taken")
            let bob = try await server.signup(name: "Bob")
            let joined = try await server.joinTeam(bob, code: " \(try #require(created.inviteCode).lowercased()) ")
            #expect(joined.status == 200 && joined.json["size"] as? Int == 2 && joined.json["complete"] as? Bool == true)
            #expect(try await server.joinTeam(bob, code: try #require(created.inviteCode)).code == "already_registered")

            // A second team waits for the seat.
            let waiting = try await server.createTeam(try await server.signup(name: "Wes"), in: id, name: "Waiters")
            #expect(waiting.status == 202 && waiting.json["status"] as? String == "waitlisted" && waiting.json["position"] as? Int == 1)

            #expect(try await server.leaveTeam(captain, teamId: teamId).code == "captain_must_transfer")
            #expect(try await server.request(.POST, "/api/teams/\(teamId)/captain", token: bob.token, json: ["userId": captain.id]).status == 403)
            #expect(try await server.request(.POST, "/api/teams/\(teamId)/captain", token: captain.token,
                                             json: ["userId": UUID().uuidString]).code == "not_a_member")
            let handed = try await server.request(.POST, "/api/teams/\(teamId)/captain", token: captain.token, json: ["userId": bob.id])
            #expect((handed.json["captain"] as? [String: String])?["id"] == bob.id)
            let left = try await server.leaveTeam(captain, teamId: teamId)
            #expect(left.status == 200 && left.json["size"] as? Int == 1)
            #expect(try await server.request(.GET, "/api/teams/\(teamId)", token: captain.token).status == 404)

            let rotated = try await server.request(.POST, "/api/teams/\(teamId)/invite-code", token: bob.token)
            #expect(rotated.status == 200 && rotated.inviteCode != created.inviteCode)
            #expect(try await server.joinTeam(captain, code: try #require(created.inviteCode)).code == "not_found")
            #expect(try await server.joinTeam(captain, code: try #require(rotated.inviteCode)).status == 200)

            // My registrations and the organizer's list name the team.
            let mine = try await server.request(.GET, "/api/users/me/registrations", token: bob.token).items
            #expect((mine.first?["team"] as? [String: String])?["name"] == "Lovelace")
            let registrants = try await server.request(.GET, "/api/competitions/\(id)/registrations", token: organizer.token).items
            #expect(registrants.count == 3)
            #expect(registrants.filter { $0["captain"] as? Bool == true }.count == 2)
            let csv = try await server.request(.GET, "/api/competitions/\(id)/registrations?format=csv", token: organizer.token).text
            #expect(csv.hasPrefix("registrationId,status,registeredAt,userId,name,email,team,captain\r\n"))
            #expect(csv.contains(",Lovelace,true\r\n") && csv.contains(",Lovelace,false\r\n") && csv.contains(",Waiters,true\r\n"))

            // Disbanding frees the seat and promotes the waiting team in the same transaction.
            let disbanded = try await server.request(.DELETE, "/api/teams/\(teamId)", token: bob.token)
            #expect(disbanded.status == 200 && disbanded.json["status"] as? String == "cancelled")
            let promoted = try await server.request(.GET, "/api/teams/\(try #require(waiting.teamId))", token: organizer.token)
            #expect(promoted.json["status"] as? String == "confirmed")
            let competition = try await server.competition(id)
            #expect(competition["registeredCount"] as? Int == 1 && competition["waitlistCount"] as? Int == 0)
            #expect(try await server.outboxCount(topic: "registration:promotion") == 1)
            #expect(try await server.confirmedCount(id) == 1)
        }
    }

    @Test(arguments: Backend.all)
    func lastMemberLeavingEndsTheTeamAndTheOrganizerCanCancel(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createTeamCompetition(by: organizer, capacity: 2)
            let solo = try await server.signup()
            let alone = try #require(try await server.createTeam(solo, in: id, name: "Solo").teamId)
            let gone = try await server.leaveTeam(solo, teamId: alone)
            #expect(gone.status == 200 && gone.json["status"] as? String == "cancelled")
            #expect(try await server.competition(id)["registeredCount"] as? Int == 0)
            // The name is free again, and so is the participant.
            let again = try await server.createTeam(solo, in: id, name: "solo")
            #expect(again.status == 201)

            let other = try await server.signup(role: "organizer")
            #expect(try await server.request(.DELETE, "/api/teams/\(try #require(again.teamId))", token: other.token).status == 404)
            let cancelled = try await server.request(.DELETE, "/api/teams/\(try #require(again.teamId))", token: organizer.token)
            #expect(cancelled.status == 200 && cancelled.json["status"] as? String == "cancelled")
            #expect(try await server.competition(id)["registeredCount"] as? Int == 0)

            // Rosters lock at the deadline.
            let late = try await server.createTeam(solo, in: id, name: "Late")
            let lateCode = try #require(late.inviteCode)
            let member = try await server.signup()
            #expect(try await server.joinTeam(member, code: lateCode).status == 200)
            try await server.closeRegistration(id)
            #expect(try await server.joinTeam(try await server.signup(), code: lateCode).code == "registration_closed")
            #expect(try await server.leaveTeam(member, teamId: try #require(late.teamId)).code == "registration_closed")
        }
    }

    @Test(arguments: Backend.all)
    func createAndJoinAreIdempotent(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createTeamCompetition(by: organizer)
            let captain = try await server.signup()
            let first = try await server.createTeam(captain, in: id, name: "Once", key: "team-1")
            let replay = try await server.createTeam(captain, in: id, name: "Once", key: "team-1")
            #expect(first.status == 201 && replay.status == 201 && first.body == replay.body)
            #expect(replay.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(try await server.createTeam(captain, in: id, name: "Twice", key: "team-1").code == "idempotency_key_reused")
            #expect(try await server.count("SELECT COUNT(*) AS n FROM teams") == 1)

            let member = try await server.signup()
            let code = try #require(first.inviteCode)
            let joined = try await server.joinTeam(member, code: code, key: "join-1")
            let again = try await server.joinTeam(member, code: code, key: "join-1")
            #expect(joined.status == 200 && again.body == joined.body && again.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(try await server.joinTeam(member, code: "OTHERCODE", key: "join-1").code == "idempotency_key_reused")
            #expect(try await server.memberCount(try #require(first.teamId)) == 2)
            #expect(try await server.outboxCount(topic: "registration:confirmation") == 2)
        }
    }

    @Test(arguments: Backend.all)
    func everyMemberIsToldAndTheCaptainHearsOfJoinsAndLeaves(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createTeamCompetition(by: organizer, capacity: 1, min: 2, max: 4, waitlist: 1)
            let captain = try await server.signup(name: "Cleo")
            let created = try await server.createTeam(captain, in: id, name: "Mailers")
            let code = try #require(created.inviteCode)
            let (ann, ben) = (try await server.signup(name: "Ann"), try await server.signup(name: "Ben"))
            #expect(try await server.joinTeam(ann, code: code).status == 200)
            #expect(try await server.joinTeam(ben, code: code).status == 200)
            #expect(try await server.leaveTeam(ben, teamId: try #require(created.teamId)).status == 200)
            // A waiting team is promoted, every member told, when the first one disbands.
            let waiting = try await server.createTeam(try await server.signup(name: "Wil"), in: id, name: "Next")
            #expect(try await server.joinTeam(try await server.signup(name: "Xia"), code: try #require(waiting.inviteCode)).status == 200)
            #expect(try await server.request(.DELETE, "/api/teams/\(try #require(created.teamId))", token: captain.token).status == 200)
            try await server.drain([server.system.makeWorker()])

            let confirmations = try await server.messagesPerUser(kind: "confirmation")
            #expect(confirmations.count == 3 && confirmations.values.allSatisfy { $0 == 1 }, "Cleo, Ann and Ben, once each")
            #expect(try await server.mailCount(kind: "promotion") == 2)
            let joined = try await server.messagesPerUser(kind: "team_member_joined")
            let left = try await server.messagesPerUser(kind: "team_member_left")
            let captainId = try #require(UUID(uuidString: captain.id))
            #expect(joined[captainId] == 2 && left[captainId] == 1)
            let mailbox = try await server.request(.GET, "/api/users/me/mailbox", token: captain.token).items
            #expect(mailbox.contains { $0["kind"] as? String == "team_member_left" && $0["subject"] as? String == "Ben left Mailers" })
            // Disbanding cancels every remaining member's registration, with a message each.
            #expect(try await server.mailCount(kind: "cancellation") == 2)
        }
    }

    @Test(arguments: Backend.all)
    func everyMemberAnswersTheRegistrationForm(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createTeamCompetition(by: organizer)
            #expect(try await server.askShirtAndRules(id, by: organizer).status == 200)
            let captain = try await server.signup()
            let bare = try await server.createTeam(captain, in: id, name: "Formal", key: "form-1")
            #expect(bare.status == 400 && bare.code == "validation_failed")
            let fields = Set((bare.json["errors"] as? [[String: String]] ?? []).compactMap { $0["field"] })
            #expect(fields == ["answers.shirt", "acceptRules"])
            let created = try await server.request(.POST, "/api/competitions/\(id)/teams", token: captain.token, json: [
                "name": "Formal", "answers": ["shirt": "M"], "acceptRules": true,
            ], headers: [("Idempotency-Key", "form-1")])
            #expect(created.status == 201, "a refused form stored nothing under its key")
            let member = try await server.signup()
            let code = try #require(created.inviteCode)
            let wrong = try await server.request(.POST, "/api/teams/join", token: member.token, json: [
                "inviteCode": code, "answers": ["shirt": "XXL", "nope": 1], "acceptRules": true,
            ])
            #expect(wrong.status == 400 && wrong.code == "validation_failed")
            #expect(try await server.memberCount(try #require(created.teamId)) == 1)
            let joined = try await server.request(.POST, "/api/teams/join", token: member.token, json: [
                "inviteCode": code, "answers": ["shirt": "S"], "acceptRules": true,
            ])
            #expect(joined.status == 200)
            let registrants = try await server.request(.GET, "/api/competitions/\(id)/registrations", token: organizer.token).items
            let shirts = registrants.compactMap { ($0["answers"] as? [String: String])?["shirt"] }.sorted()
            #expect(shirts == ["M", "S"])
        }
    }

    @Test(arguments: Backend.all)
    func teamChangesEmitWebhookEventsInTheirTransactions(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createTeamCompetition(by: organizer)
            let hook = try await server.request(.POST, "/api/webhooks", token: organizer.token, json: [
                "url": "http://127.0.0.1:9/hook", "events": ["team.created", "team.member_joined", "team.member_left", "team.cancelled"],
            ])
            #expect(hook.status == 201)
            let captain = try await server.signup()
            let created = try await server.createTeam(captain, in: id, name: "Hooked")
            let teamId = try #require(created.teamId)
            let member = try await server.signup()
            #expect(try await server.joinTeam(member, code: try #require(created.inviteCode)).status == 200)
            #expect(try await server.joinTeam(member, code: try #require(created.inviteCode)).code == "already_registered")
            #expect(try await server.leaveTeam(member, teamId: teamId).status == 200)
            #expect(try await server.request(.DELETE, "/api/teams/\(teamId)", token: captain.token).status == 200)
            for type in ["team.created", "team.member_joined", "team.member_left", "team.cancelled"] {
                #expect(try await server.count("SELECT COUNT(*) AS n FROM webhook_events WHERE type = \(bind: type)") == 1, "\(type)")
            }
            let body = try await server.sql.raw("""
                SELECT body FROM webhook_events WHERE type = 'team.member_joined'
                """).first(decodingColumn: "body", as: String.self) ?? ""
            #expect(body.contains("\"teamId\":\"\(teamId)\"") && body.contains("\"userId\":\"\(member.id)\""))
            #expect(try await server.count("SELECT COUNT(*) AS n FROM webhook_deliveries") == 4)
        }
    }

    /// A waitlisted team moving up is each member's registration moving up: one
    /// `registration.promoted` per member, in the transaction that freed the seat.
    @Test(arguments: Backend.all)
    func aPromotedTeamEmitsOnePromotionPerMember(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createTeamCompetition(by: organizer, capacity: 1, waitlist: 5)
            #expect(try await server.request(.POST, "/api/webhooks", token: organizer.token, json: [
                "url": "http://127.0.0.1:9/hook", "events": ["registration.promoted"],
            ]).status == 201)
            let first = try await server.signup()
            let seated = try await server.createTeam(first, in: id, name: "Seated")
            let second = try await server.signup()
            let waiting = try await server.createTeam(second, in: id, name: "Waiting")
            #expect(waiting.status == 202)
            let member = try await server.signup()
            #expect(try await server.joinTeam(member, code: try #require(waiting.inviteCode)).status == 200)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM webhook_events") == 0)
            #expect(try await server.request(.DELETE, "/api/teams/\(try #require(seated.teamId))", token: first.token).status == 200)
            let promoted = try await server.sql.raw("""
                SELECT body FROM webhook_events WHERE type = 'registration.promoted'
                """).all(decodingColumn: "body", as: String.self)
            #expect(promoted.count == 2)
            for user in [second, member] {
                #expect(promoted.contains { $0.contains("\"userId\":\"\(user.id)\"") && $0.contains("\"status\":\"confirmed\"") })
            }
        }
    }
}
