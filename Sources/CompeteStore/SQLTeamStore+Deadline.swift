import CompeteCore
import CompeteJobs
import Foundation
import SQLKit

extension SQLTeamStore {
    /// The deadline sweep. Each incomplete team is cancelled in its own transaction (its
    /// competition locked, as for any change of seats) by `cancel`'s conditional update, which
    /// lets exactly one of several concurrent sweeps through; the others find it cancelled and
    /// move on. Its members get `team:cancelled_incomplete`, saying why.
    public func cancelIncompleteTeams(now: Date) async throws -> Int {
        let dbNow = context.flavor.now
        let due = try await context.sql.raw("""
            SELECT t.id FROM teams t JOIN competitions c ON c.id = t.competition_id
            WHERE t.status = \(bind: TeamStatus.confirmed.rawValue) AND c.team_min IS NOT NULL
              AND c.reg_deadline <= \(unsafeRaw: dbNow) AND t.size < c.team_min
            ORDER BY c.reg_deadline, t.id
            LIMIT 500
            """).all(decodingColumn: "id", as: UUID.self)
        let flavor = context.flavor
        var cancelled = 0
        for id in due {
            let done = try await context.transaction(touchingCompetitions: true) { sql -> Bool in
                guard let competitionId = try await sql.raw("""
                    SELECT competition_id FROM teams WHERE id = \(bind: id)
                    """).first(decodingColumn: "competition_id", as: UUID.self) else { return false }
                try await sql.raw("""
                    SELECT id FROM competitions WHERE id = \(bind: competitionId)\(unsafeRaw: flavor.forNoKeyUpdate)
                    """).run()
                guard let team = try await TeamRows.find(id: id, on: sql), team.status == .confirmed, !team.complete else {
                    return false
                }
                return try await Self.cancel(team, now: now, flavor: flavor, message: .teamCancelledIncomplete, on: sql)
            }
            if done { cancelled += 1 }
        }
        return cancelled
    }
}
