import CompeteCore
import CompeteJobs
import Foundation
import SQLKit

/// Reminder scheduling: the `reminder_log` primary key (registration, kind) admits each reminder
/// once, however many schedulers tick; the outbox row is written in the same transaction.
public struct SQLReminderStore: ReminderStore {
    let context: SQLContext

    public init(context: SQLContext) {
        self.context = context
    }

    public func scheduleReminders(kind: String, startingAfter: Date, startingBy: Date, now: Date) async throws -> Int {
        try await context.transaction { sql in
            let due = try await sql.raw("""
                INSERT INTO reminder_log (registration_id, kind, scheduled_at)
                SELECT r.id, \(bind: kind), \(bind: now)
                FROM registrations r JOIN competitions c ON c.id = r.competition_id
                WHERE r.status = \(bind: RegistrationStatus.confirmed.rawValue)
                  AND c.start_date > \(bind: startingAfter) AND c.start_date <= \(bind: startingBy)
                ON CONFLICT (registration_id, kind) DO NOTHING
                RETURNING registration_id
                """).all(decodingColumn: "registration_id", as: UUID.self)
            guard !due.isEmpty else { return 0 }
            let rows = try await sql.raw("""
                SELECT id, competition_id, user_id FROM registrations WHERE id IN \(SQLQueryString.list(due))
                """).all(decoding: DueRegistrationRow.self, with: .snakeCase)
            for row in rows {
                try await Outbox.enqueue(.reminderNotify, RegistrationJobPayload(
                    registrationId: row.id, competitionId: row.competitionId, userId: row.userId, reminder: kind
                ), now: now, on: sql)
            }
            return rows.count
        }
    }
}

/// A registration a reminder was just admitted for.
private struct DueRegistrationRow: Decodable {
    let id: UUID
    let competitionId: UUID
    let userId: UUID
}
