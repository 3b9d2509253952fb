import CompeteJobs
import Foundation
import SQLKit

/// Messages written in the same transaction as the change that causes them; the worker's relay
/// moves them into the job queue.
enum Outbox {
    /// A message about one registration, created at `now`.
    struct Message {
        let type: JobType
        let payload: RegistrationJobPayload
        let now: Date
    }

    static func enqueue(_ type: JobType, _ payload: RegistrationJobPayload, now: Date, on sql: any SQLDatabase) async throws {
        try await enqueue([Message(type: type, payload: payload, now: now)], on: sql)
    }

    /// Several messages by multi-row INSERTs, in order.
    static func enqueue(_ messages: [Message], on sql: any SQLDatabase) async throws {
        let rows = try messages.map { message -> SQLQueryString in
            "(\(bind: UUID()), \(bind: message.type.rawValue), \(bind: try encode(message.payload)), \(bind: message.now))"
        }
        try await SQLRows.insert(into: "outbox (id, topic, payload, created_at)", rows, on: sql)
    }

    static func encode(_ payload: RegistrationJobPayload) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(payload), as: UTF8.self)
    }
}
