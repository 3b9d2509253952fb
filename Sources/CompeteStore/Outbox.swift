import CompeteJobs
import Foundation
import SQLKit

/// Messages written in the same transaction as the change that causes them; the worker's relay
/// moves them into the job queue.
enum Outbox {
    static func enqueue(_ type: JobType, _ payload: RegistrationJobPayload, id: UUID, now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO outbox (id, topic, payload, created_at)
            VALUES (\(bind: id), \(bind: type.rawValue), \(bind: encode(payload)), \(bind: now))
            """).run()
    }

    static func encode(_ payload: RegistrationJobPayload) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(payload), as: UTF8.self)
    }
}
