import CompeteCore
import Foundation
import SQLKit

/// Reading a team with its members, inside a transaction or not.
enum TeamRows {
    static func find(id: UUID, on sql: any SQLDatabase) async throws -> Team? {
        guard let row = try await sql.raw("""
            SELECT t.id, t.competition_id, t.name, t.status, t.captain_id, u.name AS captain_name, t.invite_code,
                   t.created_at, t.cancelled_at, c.organizer_id, c.reg_deadline,
                   COALESCE(c.team_min, 1) AS team_min, COALESCE(c.team_max, \(bind: TeamSize.largest)) AS team_max,
                   CASE WHEN t.status = \(bind: TeamStatus.waitlisted.rawValue) THEN (
                       SELECT COUNT(*) FROM teams w
                       WHERE w.competition_id = t.competition_id AND w.status = \(bind: TeamStatus.waitlisted.rawValue)
                         AND w.waitlist_seq <= t.waitlist_seq
                   ) END AS position
            FROM teams t JOIN competitions c ON c.id = t.competition_id JOIN users u ON u.id = t.captain_id
            WHERE t.id = \(bind: id)
            """).first(decoding: TeamRow.self, with: .snakeCase) else { return nil }
        // A cancelled team's members are those whose registrations ended with it.
        let active: SQLQueryString = if let cancelledAt = row.cancelledAt {
            "r.cancelled_at = \(bind: cancelledAt)"
        } else {
            "r.status <> \(bind: RegistrationStatus.cancelled.rawValue)"
        }
        let members = try await sql.raw("""
            SELECT r.user_id, u.name, r.created_at FROM registrations r JOIN users u ON u.id = r.user_id
            WHERE r.team_id = \(bind: id) AND \(active)
            ORDER BY r.created_at, r.user_id
            """).all(decoding: TeamMemberRow.self, with: .snakeCase)
        return row.team(members: members.map { TeamMember(userId: $0.userId, name: $0.name, joinedAt: $0.createdAt) })
    }
}

private struct TeamRow: Decodable {
    let id: UUID
    let competitionId: UUID
    let name: String
    let status: String
    let captainId: UUID
    let captainName: String
    let inviteCode: String
    let createdAt: Date
    let cancelledAt: Date?
    let organizerId: UUID
    let regDeadline: Date
    let teamMin: Int
    let teamMax: Int
    let position: Int?

    func team(members: [TeamMember]) -> Team {
        Team(
            id: id, competitionId: competitionId, name: name, status: TeamStatus(rawValue: status) ?? .cancelled,
            position: position, captainId: captainId, captainName: captainName, members: members, inviteCode: inviteCode,
            createdAt: createdAt, organizerId: organizerId, regDeadline: regDeadline,
            teamSize: TeamSize(min: teamMin, max: teamMax)
        )
    }
}

private struct TeamMemberRow: Decodable {
    let userId: UUID
    let name: String
    let createdAt: Date
}
