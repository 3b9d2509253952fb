import Foundation
import SQLKit

/// Messages written in the same transaction as the change that causes them.
enum Outbox {
    enum Topic: String {
        case registrationConfirmation = "registration:confirmation"
        case registrationCancellation = "registration:cancellation"
    }

    struct RegistrationEvent: Encodable {
        let registrationId: UUID
        let competitionId: UUID
        let userId: UUID
    }

    static func enqueue(_ topic: Topic, _ event: RegistrationEvent, id: UUID, now: Date, on sql: any SQLDatabase) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let payload = String(decoding: try encoder.encode(event), as: UTF8.self)
        try await sql.raw("""
            INSERT INTO outbox (id, topic, payload, created_at)
            VALUES (\(bind: id), \(bind: topic.rawValue), \(bind: payload), \(bind: now))
            """).run()
    }
}
