import CompeteJobs
import Foundation
import SQLKit

/// The `dead_letters` table, where both queues keep the jobs they gave up on.
enum DeadLetterRows {
    static func list(limit: Int, on sql: any SQLDatabase) async throws -> [DeadLetter] {
        try await sql.raw("""
            SELECT job_id, type, payload, attempts, last_error, created_at, failed_at
            FROM dead_letters ORDER BY failed_at DESC, job_id LIMIT \(bind: limit)
            """).all().map { row in
                DeadLetter(
                    jobId: try row.decode(column: "job_id", as: UUID.self),
                    type: try row.decode(column: "type", as: String.self),
                    payload: try row.decode(column: "payload", as: String.self),
                    attempts: try row.decode(column: "attempts", as: Int.self),
                    lastError: try row.decode(column: "last_error", as: String.self),
                    createdAt: try row.decode(column: "created_at", as: Date.self),
                    failedAt: try row.decode(column: "failed_at", as: Date.self)
                )
            }
    }

    /// Moves dead letters (all of them when `ids` is nil) back into a queue with `insert`, an
    /// `INSERT … SELECT … FROM dead_letters WHERE <filter> … RETURNING id` built from the filter,
    /// then deletes them; returns how many were inserted. Call it inside a transaction.
    static func requeue(
        _ ids: [UUID]?, on sql: any SQLDatabase, insert: (SQLQueryString) -> SQLQueryString
    ) async throws -> Int {
        let filter: SQLQueryString = ids.map { "job_id IN \(SQLQueryString.list($0))" } ?? "1 = 1"
        let moved = try await sql.raw(insert(filter)).all().count
        try await sql.raw("DELETE FROM dead_letters WHERE \(filter)").run()
        return moved
    }
}
