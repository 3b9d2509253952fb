import CompeteJobs
import Foundation
import SQLKit

/// The outbox and the dead letters for the Redis queue (see ``JobLedger``). On PostgreSQL,
/// relays lock the rows they hand over with `FOR UPDATE SKIP LOCKED`, so relays in other
/// processes take other rows.
public struct SQLJobLedger: JobLedger {
    let context: SQLContext

    public init(context: SQLContext) {
        self.context = context
    }

    public func relay(
        limit: Int, now: Date, redriveBefore: Date,
        push: @escaping @Sendable ([OutboxEntry]) async throws -> Void
    ) async throws -> Int {
        let skipLocked = context.flavor == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await context.transaction { sql in
            let entries = try await sql.raw("""
                SELECT id, topic, payload, created_at FROM outbox
                WHERE relayed_at IS NULL OR relayed_at < \(bind: redriveBefore)
                ORDER BY relayed_at IS NOT NULL, created_at, id LIMIT \(bind: limit)\(unsafeRaw: skipLocked)
                """).all(decoding: OutboxRow.self, with: .snakeCase).map(\.entry)
            guard !entries.isEmpty else { return 0 }
            try await push(entries)
            try await sql.raw("""
                UPDATE outbox SET relayed_at = \(bind: now) WHERE id IN \(SQLQueryString.list(entries.map(\.id)))
                """).run()
            return entries.count
        }
    }

    public func finish(jobId: UUID) async throws {
        try await context.sql.raw("DELETE FROM outbox WHERE id = \(bind: jobId)").run()
    }

    public func bury(_ letter: DeadLetter) async throws {
        try await context.transaction { sql in
            try await sql.raw("""
                INSERT INTO dead_letters (job_id, type, payload, attempts, last_error, created_at, failed_at)
                VALUES (\(bind: letter.jobId), \(bind: letter.type), \(bind: letter.payload), \(bind: letter.attempts),
                        \(bind: letter.lastError), \(bind: letter.createdAt), \(bind: letter.failedAt))
                ON CONFLICT (job_id) DO NOTHING
                """).run()
            try await sql.raw("DELETE FROM outbox WHERE id = \(bind: letter.jobId)").run()
        }
    }

    public func deadLetters(limit: Int) async throws -> [DeadLetter] {
        try await DeadLetterRows.list(limit: limit, on: context.sql)
    }

    public func requeueDead(ids: [UUID]?, now: Date) async throws -> Int {
        try await context.transaction { sql in
            try await DeadLetterRows.requeue(ids, on: sql) { filter in
                """
                INSERT INTO outbox (id, topic, payload, created_at)
                SELECT job_id, type, payload, created_at FROM dead_letters WHERE \(filter)
                ON CONFLICT (id) DO NOTHING
                RETURNING id
                """
            }
        }
    }

    public func counts() async throws -> (unrelayed: Int, dead: Int) {
        guard let row = try await context.sql.raw("""
            SELECT (SELECT COUNT(*) FROM outbox WHERE relayed_at IS NULL) AS unrelayed,
                   (SELECT COUNT(*) FROM dead_letters) AS dead
            """).first(decoding: LedgerCounts.self, with: .snakeCase) else { return (0, 0) }
        return (row.unrelayed, row.dead)
    }
}

/// A row of `outbox`, as the relay hands it over.
private struct OutboxRow: Decodable {
    let id: UUID
    let topic: String
    let payload: String
    let createdAt: Date

    var entry: OutboxEntry { OutboxEntry(id: id, type: topic, payload: payload, createdAt: createdAt) }
}

private struct LedgerCounts: Decodable {
    let unrelayed: Int
    let dead: Int
}
