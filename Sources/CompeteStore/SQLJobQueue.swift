import CompeteJobs
import Foundation
import SQLKit

/// The job queue in SQL. On PostgreSQL, claims use `FOR UPDATE SKIP LOCKED` so workers never
/// wait for each other; on SQLite, `BEGIN IMMEDIATE` makes each claim exclusive.
public struct SQLJobQueue: JobQueue {
    let context: SQLContext

    public init(context: SQLContext) {
        self.context = context
    }

    private var skipLocked: String { context.flavor == .postgres ? " FOR UPDATE SKIP LOCKED" : "" }

    public func relayOutbox(limit: Int, now: Date) async throws -> Int {
        let skipLocked = self.skipLocked
        return try await context.transaction { sql in
            let ids = try await sql.raw("""
                SELECT id FROM outbox ORDER BY created_at, id LIMIT \(bind: limit)\(unsafeRaw: skipLocked)
                """).all(decodingColumn: "id", as: UUID.self)
            guard !ids.isEmpty else { return 0 }
            let idList = SQLQueryString.list(ids)
            try await sql.raw("""
                INSERT INTO jobs (id, type, payload, status, attempts, run_at, created_at, updated_at)
                SELECT id, topic, payload, \(bind: JobState.waiting.rawValue), 0, \(bind: now), created_at, \(bind: now)
                FROM outbox WHERE id IN \(idList)
                ON CONFLICT (id) DO NOTHING
                """).run()
            try await sql.raw("DELETE FROM outbox WHERE id IN \(idList)").run()
            return ids.count
        }
    }

    public func claim(limit: Int, now: Date, lease: TimeInterval) async throws -> [Job] {
        let token = UUID()
        let skipLocked = self.skipLocked
        return try await context.transaction { sql in
            try await sql.raw("""
                UPDATE jobs SET status = \(bind: JobState.active.rawValue), claim_token = \(bind: token),
                    locked_until = \(bind: now.addingTimeInterval(lease)), attempts = attempts + 1, updated_at = \(bind: now)
                WHERE id IN (
                    SELECT id FROM jobs
                    WHERE (status = \(bind: JobState.waiting.rawValue) AND run_at <= \(bind: now))
                       OR (status = \(bind: JobState.active.rawValue) AND locked_until < \(bind: now))
                    ORDER BY run_at, id LIMIT \(bind: limit)\(unsafeRaw: skipLocked)
                )
                RETURNING id, type, payload, attempts, created_at
                """).all(decoding: ClaimedJobRow.self, with: .snakeCase).map { $0.job(claimToken: token) }
        }
    }

    public func complete(_ job: Job, now: Date) async throws {
        try await context.sql.raw("""
            UPDATE jobs SET status = \(bind: JobState.completed.rawValue), claim_token = NULL, locked_until = NULL,
                updated_at = \(bind: now)
            WHERE id = \(bind: job.id) AND claim_token = \(bind: job.claimToken)
            """).run()
    }

    public func retry(_ job: Job, error: String, runAt: Date, now: Date) async throws {
        try await context.sql.raw("""
            UPDATE jobs SET status = \(bind: JobState.waiting.rawValue), run_at = \(bind: runAt), last_error = \(bind: error),
                claim_token = NULL, locked_until = NULL, updated_at = \(bind: now)
            WHERE id = \(bind: job.id) AND claim_token = \(bind: job.claimToken)
            """).run()
    }

    public func bury(_ job: Job, error: String, now: Date) async throws {
        try await context.transaction { sql in
            try await sql.raw("""
                INSERT INTO dead_letters (job_id, type, payload, attempts, last_error, created_at, failed_at)
                SELECT id, type, payload, attempts, \(bind: error), created_at, \(bind: now)
                FROM jobs WHERE id = \(bind: job.id) AND claim_token = \(bind: job.claimToken)
                ON CONFLICT (job_id) DO NOTHING
                """).run()
            try await sql.raw("""
                DELETE FROM jobs WHERE id = \(bind: job.id) AND claim_token = \(bind: job.claimToken)
                """).run()
        }
    }

    public func purgeCompleted(before cutoff: Date) async throws -> Int {
        try await context.sql.raw("""
            DELETE FROM jobs WHERE status = \(bind: JobState.completed.rawValue) AND updated_at < \(bind: cutoff) RETURNING id
            """).all().count
    }

    public func stats() async throws -> QueueStats {
        guard let row = try await context.sql.raw("""
            SELECT (SELECT COUNT(*) FROM outbox) AS outbox,
                   (SELECT COUNT(*) FROM jobs WHERE status = \(bind: JobState.waiting.rawValue)) AS waiting,
                   (SELECT COUNT(*) FROM jobs WHERE status = \(bind: JobState.active.rawValue)) AS active,
                   (SELECT COUNT(*) FROM jobs WHERE status = \(bind: JobState.completed.rawValue)) AS completed,
                   (SELECT COUNT(*) FROM dead_letters) AS dead
            """).first(decoding: QueueCounts.self, with: .snakeCase) else { return QueueStats() }
        return QueueStats(outbox: row.outbox, waiting: row.waiting, active: row.active, completed: row.completed, dead: row.dead)
    }

    public func deadLetters(limit: Int) async throws -> [DeadLetter] {
        try await DeadLetterRows.list(limit: limit, on: context.sql)
    }

    public func requeueDead(ids: [UUID]?, now: Date) async throws -> Int {
        try await context.transaction { sql in
            try await DeadLetterRows.requeue(ids, on: sql) { filter in
                """
                INSERT INTO jobs (id, type, payload, status, attempts, run_at, created_at, updated_at)
                SELECT job_id, type, payload, \(bind: JobState.waiting.rawValue), 0, \(bind: now), created_at, \(bind: now)
                FROM dead_letters WHERE \(filter)
                ON CONFLICT (id) DO NOTHING
                RETURNING id
                """
            }
        }
    }
}

/// A job as `claim` returns it; the claim token is the claim's own, not a column it reads.
private struct ClaimedJobRow: Decodable {
    let id: UUID
    let type: String
    let payload: String
    let attempts: Int
    let createdAt: Date

    func job(claimToken: UUID) -> Job {
        Job(id: id, type: type, payload: payload, attempts: attempts, claimToken: claimToken, createdAt: createdAt)
    }
}

private struct QueueCounts: Decodable {
    let outbox: Int
    let waiting: Int
    let active: Int
    let completed: Int
    let dead: Int
}

extension SQLQueryString {
    /// `(?, ?, …)` binding each value; callers never pass an empty list.
    static func list(_ values: [UUID]) -> SQLQueryString {
        "(" + values.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ") + ")"
    }

    static func list(_ values: [String]) -> SQLQueryString {
        "(" + values.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ") + ")"
    }
}
