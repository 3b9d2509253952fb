import Foundation
import Testing

/// Rosters at the deadline: an incomplete confirmed team is cancelled exactly once with three
/// sweeps running at once, its members told why, and its seat goes to the first *complete*
/// waitlisted team; raising capacity promotes teams before that.
@Suite(.serialized) struct TeamDeadlineTests {
    @Test(arguments: Backend.all)
    func threeSweepsCancelEachIncompleteTeamOnce(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createTeamCompetition(by: organizer, capacity: 1, min: 2, max: 3, waitlist: 3)
            func team(_ name: String, members: Int) async throws -> APIResponse {
                let created = try await server.createTeam(try await server.signup(name: "\(name) captain"), in: id, name: name)
                for index in 1..<members {
                    let joined = try await server.joinTeam(try await server.signup(name: "\(name) \(index)"), code: try #require(created.inviteCode))
                    #expect(joined.status == 200)
                }
                return created
            }
            let complete = try await team("Complete", members: 2)
            let incomplete = try await team("Incomplete", members: 1)
            #expect(incomplete.status == 202)
            // More capacity: the waiting team moves up in the same transaction.
            let raised = try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token, json: ["capacity": 2])
            #expect(raised.json["registeredCount"] as? Int == 2 && raised.json["waitlistCount"] as? Int == 0)
            let waitingSmall = try await team("Waiting small", members: 1)
            let waitingFull = try await team("Waiting full", members: 2)
            #expect(waitingSmall.json["position"] as? Int == 1 && waitingFull.status == 202)

            try await server.closeRegistration(id)
            let sweeps = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<3 { group.addTask { try await server.system.services.teams.sweepDeadlines() } }
                return try await group.reduce(0, +)
            }
            #expect(sweeps == 1)
            #expect(try await server.system.services.teams.sweepDeadlines() == 0)

            func status(_ created: APIResponse) async throws -> String? {
                try await server.request(.GET, "/api/teams/\(try #require(created.teamId))", token: organizer.token).json["status"] as? String
            }
            #expect(try await status(complete) == "confirmed")
            #expect(try await status(incomplete) == "cancelled")
            #expect(try await status(waitingSmall) == "waitlisted", "an incomplete team never moves up after the deadline")
            #expect(try await status(waitingFull) == "confirmed")
            let competition = try await server.competition(id)
            #expect(competition["registeredCount"] as? Int == 2 && competition["waitlistCount"] as? Int == 1)
            #expect(try await server.teamCount(id, status: "confirmed") == 2)

            try await server.drain([server.system.makeWorker()])
            #expect(try await server.mailCount(kind: "team_cancelled") == 1)
            #expect(try await server.mailCount(kind: "promotion") == 2 + 1, "the raised capacity's team (1) and the complete team (2)")
            let registrants = try await server.request(.GET, "/api/competitions/\(id)/registrations", token: organizer.token).items
            let names = Set(registrants.compactMap { ($0["team"] as? [String: String])?["name"] })
            #expect(names == ["Complete", "Waiting full", "Waiting small"])
        }
    }
}
