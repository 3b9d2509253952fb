import Foundation
import Testing

/// Teams under races over real HTTP: a team never exceeds its maximum, a competition never
/// gives more seats than its capacity to teams, and a participant is never in two teams of one
/// competition. The database's counts equal the answers.
@Suite(.serialized) struct TeamStormTests {
    @Test(arguments: Backend.all)
    func sixtyRaceToJoinATeamOfFive(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createTeamCompetition(by: organizer, capacity: 5, min: 2, max: 5)
            let captain = try await server.signup(name: "Captain")
            let created = try await server.createTeam(captain, in: id, name: "Racers")
            let (teamId, code) = (try #require(created.teamId), try #require(created.inviteCode))
            let users = try await server.signups(60, name: "Joiner")

            let answers = try await withThrowingTaskGroup(of: APIResponse.self) { group in
                for user in users { group.addTask { try await server.joinTeam(user, code: code) } }
                return try await group.reduce(into: [APIResponse]()) { $0.append($1) }
            }
            #expect(answers.filter { $0.status == 200 }.count == 4)
            #expect(answers.filter { $0.status == 409 && $0.code == "team_full" }.count == 56)
            #expect(try await server.memberCount(teamId) == 5)
            let team = try await server.request(.GET, "/api/teams/\(teamId)", token: captain.token).json
            #expect(team["size"] as? Int == 5)
            #expect(try await server.competition(id)["registeredCount"] as? Int == 1)
            #expect(try await server.outboxCount(topic: "registration:confirmation") == 5)
        }
    }

    @Test(arguments: Backend.all)
    func eightyCaptainsRaceForTheLastTenSeats(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createTeamCompetition(by: organizer, capacity: 12, min: 1, max: 3, waitlist: 30)
            // Two seats already taken.
            for name in ["Early A", "Early B"] {
                #expect(try await server.createTeam(try await server.signup(), in: id, name: name).status == 201)
            }
            let captains = try await server.signups(80, name: "Captain")
            let answers = try await withThrowingTaskGroup(of: APIResponse.self) { group in
                for (index, captain) in captains.enumerated() {
                    group.addTask { try await server.createTeam(captain, in: id, name: "Team \(index)") }
                }
                return try await group.reduce(into: [APIResponse]()) { $0.append($1) }
            }
            #expect(answers.filter { $0.status == 201 }.count == 10)
            #expect(answers.filter { $0.status == 202 }.count == 30)
            #expect(answers.filter { $0.status == 409 && $0.code == "competition_full" }.count == 40)
            #expect(try await server.teamCount(id, status: "confirmed") == 12)
            #expect(try await server.teamCount(id, status: "waitlisted") == 30)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM teams") == 42)
            #expect(try await server.confirmedCount(id) == 12)
            let competition = try await server.competition(id)
            #expect(competition["registeredCount"] as? Int == 12)
            #expect(competition["waitlistCount"] as? Int == 30)
            let positions = answers.compactMap { $0.status == 202 ? $0.json["position"] as? Int : nil }.sorted()
            #expect(positions == Array(1...30))
        }
    }

    @Test(arguments: Backend.all)
    func oneParticipantRacingIntoThreeTeamsEndsInOne(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createTeamCompetition(by: organizer, capacity: 50, min: 1, max: 4)
            for round in 0..<10 {
                let first = try await server.createTeam(try await server.signup(), in: id, name: "R\(round)-0")
                let second = try await server.createTeam(try await server.signup(), in: id, name: "R\(round)-1")
                let codes = [try #require(first.inviteCode), try #require(second.inviteCode)]
                let racer = try await server.signup(name: "Racer \(round)")
                async let own = server.createTeam(racer, in: id, name: "R\(round)-own")
                async let joinFirst = server.joinTeam(racer, code: codes[0])
                async let joinSecond = server.joinTeam(racer, code: codes[1])
                let answers = [try await own, try await joinFirst, try await joinSecond]
                #expect(answers.filter { [200, 201].contains($0.status) }.count == 1, "round \(round)")
                #expect(answers.filter { $0.code == "already_registered" }.count == 2, "round \(round)")
                #expect(try await server.count("""
                    SELECT COUNT(*) AS n FROM registrations WHERE user_id = \(bind: UUID(uuidString: racer.id)!) AND status <> 'cancelled'
                    """) == 1)
            }
            // No team was left behind by the refused creations.
            #expect(try await server.competition(id)["registeredCount"] as? Int
                    == (try await server.teamCount(id, status: "confirmed")))
        }
    }

    @Test(arguments: Backend.all)
    func leaveAndJoinRacingOnAFullTeamNeverExceedMax(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createTeamCompetition(by: organizer, capacity: 5, min: 1, max: 4)
            let captain = try await server.signup(name: "Captain")
            let created = try await server.createTeam(captain, in: id, name: "Churn")
            let (teamId, code) = (try #require(created.teamId), try #require(created.inviteCode))
            let members = try await server.signups(3, name: "Member")
            for member in members { #expect(try await server.joinTeam(member, code: code).status == 200) }
            let outsiders = try await server.signups(30, name: "Outsider")

            let answers = try await withThrowingTaskGroup(of: (String, APIResponse).self) { group in
                for member in members { group.addTask { ("leave", try await server.leaveTeam(member, teamId: teamId)) } }
                for outsider in outsiders { group.addTask { ("join", try await server.joinTeam(outsider, code: code)) } }
                return try await group.reduce(into: [(String, APIResponse)]()) { $0.append($1) }
            }
            let left = answers.filter { $0.0 == "leave" && $0.1.status == 200 }.count
            let joined = answers.filter { $0.0 == "join" && $0.1.status == 200 }.count
            #expect(left == 3)
            #expect(joined <= 3, "only the three freed places can be taken")
            #expect(answers.filter { $0.0 == "join" && $0.1.code == "team_full" }.count == 30 - joined)
            // The answers, the member rows and the team's counter agree, and never exceed the maximum.
            let remaining = try await server.memberCount(teamId)
            #expect(remaining == 4 - left + joined)
            #expect(remaining <= 4)
            #expect(try await server.count("""
                SELECT size AS n FROM teams WHERE id = \(bind: UUID(uuidString: teamId)!)
                """) == remaining)
        }
    }
}
