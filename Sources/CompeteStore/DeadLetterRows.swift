import CompeteJobs
import Foundation
import SQLKit

/// The `dead_letters` table, where both queues keep the jobs they gave up on.
enum DeadLetterRows {
    static func list(limit: Int, on sql: any SQLDatabase) async throws -> [DeadLetter] {
        try await sql.raw("""
            SELECT job_id, type, payload, attempts, last_error, created_at, failed_at
            FROM dead_letters ORDER BY failed_at DESC, job_id LIMIT \(bind: limit)
            """).all(decoding: DeadLetterRow.self, with: .snakeCase).map(\.deadLetter)
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

/// A row of `dead_letters`.
private struct DeadLetterRow: Decodable {
    let jobId: UUID
    let type: String
    let payload: String
    let attempts: Int
    let lastError: String
    let createdAt: Date
    let failedAt: Date

    var deadLetter: DeadLetter {
        DeadLetter(
            jobId: jobId, type: type, payload: payload, attempts: attempts, lastError: lastError,
            createdAt: createdAt, failedAt: failedAt
        )
    }
}
