import CompeteCore
import CompeteJobs
import Foundation
import SQLKit

/// Promotion of waitlisted teams, run by `Waitlist.promote` (inside the transaction that freed
/// seats, the competition row locked) when the competition is entered by teams: whole teams
/// move up, first come first served, and every member is told.
enum TeamWaitlist {
    static func promote(competitionId: UUID, free: Int, now: Date, on sql: any SQLDatabase) async throws -> Int {
        // Once rosters are locked (the deadline), a team below the minimum can never take part:
        // only complete teams move up.
        let teams = try await sql.raw("""
            SELECT t.id FROM teams t JOIN competitions c ON c.id = t.competition_id
            WHERE t.competition_id = \(bind: competitionId) AND t.status = \(bind: TeamStatus.waitlisted.rawValue)
              AND (c.reg_deadline > \(bind: now) OR t.size >= c.team_min)
            ORDER BY t.waitlist_seq LIMIT \(bind: free)
            """).all(decodingColumn: "id", as: UUID.self)
        guard !teams.isEmpty else { return 0 }
        try await sql.raw("""
            UPDATE teams SET status = \(bind: TeamStatus.confirmed.rawValue), waitlist_seq = NULL
            WHERE id IN \(SQLQueryString.list(teams))
            """).run()
        try await sql.raw("""
            UPDATE competitions SET registered_count = registered_count + \(bind: teams.count),
                waitlist_count = waitlist_count - \(bind: teams.count)
            WHERE id = \(bind: competitionId)
            """).run()
        let members = try await sql.raw("""
            SELECT id, user_id FROM registrations
            WHERE team_id IN \(SQLQueryString.list(teams)) AND status = \(bind: RegistrationStatus.waitlisted.rawValue)
            """).all(decoding: TeamMemberRegistrationRow.self, with: .snakeCase)
        try await sql.raw("""
            UPDATE registrations SET status = \(bind: RegistrationStatus.confirmed.rawValue)
            WHERE team_id IN \(SQLQueryString.list(teams)) AND status = \(bind: RegistrationStatus.waitlisted.rawValue)
            """).run()
        for member in members {
            try await Waitlist.announcePromotion(
                registrationId: member.id, userId: member.userId, competitionId: competitionId, now: now, on: sql
            )
        }
        return teams.count
    }
}

/// A member's registration, as promotions and cancellations touch it.
struct TeamMemberRegistrationRow: Decodable {
    let id: UUID
    let userId: UUID
}
