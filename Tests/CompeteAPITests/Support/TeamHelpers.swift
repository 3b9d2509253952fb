import Foundation
import SQLKit

extension TestServer {
    /// Gives a competition the form the team tests answer: a required T-shirt choice (S or M)
    /// and rules to accept.
    func askShirtAndRules(_ id: String, by organizer: TestUser) async throws -> APIResponse {
        try await request(.PATCH, "/api/competitions/\(id)", token: organizer.token, json: [
            "questions": [["id": "shirt", "label": "T-shirt", "type": "choice", "required": true, "options": ["S", "M"]]],
            "rules": "Play fair.",
        ])
    }

    /// Creates a team competition (teams of `min`–`max`) and returns its id.
    func createTeamCompetition(
        by organizer: TestUser, capacity: Int = 10, min: Int = 2, max: Int = 4, waitlist: Int = 0,
        deadlineIn: TimeInterval = 7 * 86400
    ) async throws -> String {
        let response = try await request(.POST, "/api/competitions", token: organizer.token, json: [
            "title": "Team Cup", "description": "Teams only", "capacity": capacity, "waitlistCapacity": waitlist,
            "regDeadline": iso(Date().addingTimeInterval(deadlineIn)),
            "startDate": iso(Date().addingTimeInterval(deadlineIn + 86400)),
            "teamSize": ["min": min, "max": max],
        ])
        guard response.status == 201, let id = response.json["id"] as? String else {
            throw TestFailure("create team competition failed: \(response.status) \(response.text)")
        }
        return id
    }

    func createTeam(_ captain: TestUser, in competitionId: String, name: String, key: String? = nil) async throws -> APIResponse {
        try await request(.POST, "/api/competitions/\(competitionId)/teams", token: captain.token, json: ["name": name],
                          headers: key.map { [("Idempotency-Key", $0)] } ?? [])
    }

    func joinTeam(_ user: TestUser, code: String, key: String? = nil) async throws -> APIResponse {
        try await request(.POST, "/api/teams/join", token: user.token, json: ["inviteCode": code],
                          headers: key.map { [("Idempotency-Key", $0)] } ?? [])
    }

    func leaveTeam(_ user: TestUser, teamId: String, member: String? = nil) async throws -> APIResponse {
        try await request(.DELETE, "/api/teams/\(teamId)/members/\(member ?? user.id)", token: user.token)
    }

    /// Active members of a team, counted in the database.
    func memberCount(_ teamId: String) async throws -> Int {
        try await count("""
            SELECT COUNT(*) AS n FROM registrations WHERE team_id = \(bind: UUID(uuidString: teamId)!) AND status <> 'cancelled'
            """)
    }

    /// Teams of a competition with `status`, counted in the database.
    func teamCount(_ competitionId: String, status: String) async throws -> Int {
        try await count("""
            SELECT COUNT(*) AS n FROM teams WHERE competition_id = \(bind: UUID(uuidString: competitionId)!) AND status = \(bind: status)
            """)
    }

    func signups(_ count: Int, name: String) async throws -> [TestUser] {
        try await withThrowingTaskGroup(of: TestUser.self) { group in
            for index in 0..<count { group.addTask { try await self.signup(name: "\(name) \(index)") } }
            return try await group.reduce(into: [TestUser]()) { $0.append($1) }
        }
    }
}

extension APIResponse {
    var teamId: String? { json["id"] as? String }
    var inviteCode: String? { json["inviteCode"] as? String }
}
