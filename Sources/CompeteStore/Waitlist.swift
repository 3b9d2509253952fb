import CompeteCore
import CompeteJobs
import Foundation
import SQLKit

/// Promotion from the waitlist, run inside the transaction that freed seats (a cancellation or
/// a capacity increase) while the competition row is locked, so a freed seat never sits open
/// for a newcomer while someone waits, and is never filled twice.
enum Waitlist {
    /// Moves the first waitlisted participants into free seats, first come first served, until
    /// the competition starts. Returns how many were promoted.
    @discardableResult
    static func promote(competitionId: UUID, now: Date, flavor: SQLFlavor, on sql: any SQLDatabase) async throws -> Int {
        guard let row = try await sql.raw("""
            SELECT capacity - registered_count AS free, waitlist_count,
                   CASE WHEN start_date > \(unsafeRaw: flavor.now) THEN 1 ELSE 0 END AS upcoming,
                   CASE WHEN team_max IS NULL THEN 0 ELSE 1 END AS teams
            FROM competitions WHERE id = \(bind: competitionId)
            """).first(decoding: SeatsRow.self, with: .snakeCase) else { return 0 }
        let (free, waiting) = (row.free, row.waitlistCount)
        guard row.upcoming == 1, free > 0, waiting > 0 else { return 0 }
        if row.teams == 1 {
            return try await TeamWaitlist.promote(competitionId: competitionId, free: min(free, waiting), now: now, on: sql)
        }

        let promoted = try await sql.raw("""
            SELECT id, user_id FROM registrations
            WHERE competition_id = \(bind: competitionId) AND status = \(bind: RegistrationStatus.waitlisted.rawValue)
            ORDER BY waitlist_seq LIMIT \(bind: min(free, waiting))
            """).all(decoding: WaitlistedRow.self, with: .snakeCase)
        guard !promoted.isEmpty else { return 0 }
        try await sql.raw("""
            UPDATE registrations SET status = \(bind: RegistrationStatus.confirmed.rawValue), waitlist_seq = NULL
            WHERE id IN \(SQLQueryString.list(promoted.map(\.id)))
            """).run()
        try await sql.raw("""
            UPDATE competitions SET registered_count = registered_count + \(bind: promoted.count),
                waitlist_count = waitlist_count - \(bind: promoted.count)
            WHERE id = \(bind: competitionId)
            """).run()
        for entry in promoted {
            try await announcePromotion(registrationId: entry.id, userId: entry.userId, competitionId: competitionId, now: now, on: sql)
        }
        return promoted.count
    }

    /// A registration moved up: its `promotion` message and its `registration.promoted` event,
    /// in the promoting transaction (an individual's, or each member's of a team).
    static func announcePromotion(
        registrationId: UUID, userId: UUID, competitionId: UUID, now: Date, on sql: any SQLDatabase
    ) async throws {
        try await Outbox.enqueue(
            .registrationPromotion,
            RegistrationJobPayload(registrationId: registrationId, competitionId: competitionId, userId: userId),
            now: now, on: sql
        )
        try await Outbox.publish(.registration(
            .registrationPromoted, registrationId: registrationId, competitionId: competitionId, userId: userId,
            status: .confirmed, at: now
        ), now: now, on: sql)
    }
}

/// Free seats and waiting participants; `upcoming` is a `CASE … THEN 1 ELSE 0` integer.
private struct SeatsRow: Decodable {
    let free: Int
    let waitlistCount: Int
    let upcoming: Int
    let teams: Int
}

/// A waitlisted registration, next in line for a seat.
private struct WaitlistedRow: Decodable {
    let id: UUID
    let userId: UUID
}
