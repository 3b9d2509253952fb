import Foundation

/// Which optional emails a user gets. Confirmations, promotions and cancellations are part of
/// the registration and always go; reminders can be turned off (one click in the email) and on
/// again (the account page, the API).
public struct MailPreferences: Sendable, Equatable, Codable {
    public var reminders: Bool

    public init(reminders: Bool) {
        self.reminders = reminders
    }
}

public protocol MailPreferenceStore: Sendable {
    /// Nil when there is no such user.
    func mailPreferences(userId: UUID) async throws -> MailPreferences?
    /// False when there is no such user.
    func setReminders(userId: UUID, enabled: Bool) async throws -> Bool
}

/// Signs user ids into the unguessable tokens of unsubscribe links, and reads them back.
public protocol UnsubscribeTokens: Sendable {
    func token(for userId: UUID) -> String
    /// The user a token was signed for; nil for anything not signed by this deployment.
    func userId(from token: String) -> UUID?
}

/// Reading and changing a user's mail preferences, signed in or through an unsubscribe link.
public struct MailPreferencesService: Sendable {
    let store: any MailPreferenceStore
    let tokens: any UnsubscribeTokens

    public init(store: any MailPreferenceStore, tokens: any UnsubscribeTokens) {
        self.store = store
        self.tokens = tokens
    }

    public func preferences(_ principal: Principal) async throws -> MailPreferences {
        guard let preferences = try await store.mailPreferences(userId: principal.userId) else { throw DomainError.unauthenticated }
        return preferences
    }

    public func setReminders(_ principal: Principal, enabled: Bool) async throws -> MailPreferences {
        guard try await store.setReminders(userId: principal.userId, enabled: enabled) else { throw DomainError.unauthenticated }
        return MailPreferences(reminders: enabled)
    }

    /// One-click unsubscribe (RFC 8058): the link's token is the only credential. Doing it twice
    /// is fine.
    public func unsubscribeFromReminders(token: String) async throws -> MailPreferences {
        guard let userId = tokens.userId(from: token), try await store.setReminders(userId: userId, enabled: false) else {
            throw DomainError.invalid("token", "this unsubscribe link is not valid")
        }
        return MailPreferences(reminders: false)
    }

    /// Whether a token is valid, for the page that asks before unsubscribing.
    public func isValid(token: String) -> Bool {
        tokens.userId(from: token) != nil
    }
}
