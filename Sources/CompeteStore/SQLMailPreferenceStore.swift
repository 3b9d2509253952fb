import CompeteCore
import Foundation
import SQLKit

/// `users.reminders_enabled` (M012).
public struct SQLMailPreferenceStore: MailPreferenceStore {
    let context: SQLContext

    public init(context: SQLContext) {
        self.context = context
    }

    public func mailPreferences(userId: UUID) async throws -> MailPreferences? {
        try await context.sql.raw("SELECT reminders_enabled FROM users WHERE id = \(bind: userId)")
            .first(decoding: Row.self, with: .snakeCase).map { MailPreferences(reminders: $0.remindersEnabled) }
    }

    public func setReminders(userId: UUID, enabled: Bool) async throws -> Bool {
        try await context.sql.raw("""
            UPDATE users SET reminders_enabled = \(bind: enabled) WHERE id = \(bind: userId) RETURNING id
            """).first() != nil
    }

    private struct Row: Decodable {
        let remindersEnabled: Bool
    }
}
