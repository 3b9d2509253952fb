import Foundation

/// How many attempts one key may make within a fixed window.
public struct Budget: Sendable, Equatable {
    public var limit: Int
    public var window: TimeInterval

    public init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }
}

/// The budgets that keep one client from guessing passwords, creating accounts in bulk or
/// hoarding seats. Defaults are the documented ones (README, `.env.example`).
public struct RateLimits: Sendable, Equatable {
    /// Failed logins per email + client address (`LOGIN_MAX_FAILURES`, `LOGIN_WINDOW_SECONDS`).
    public var loginPerAccount = Budget(limit: 5, window: 15 * 60)
    /// Failed logins per client address across all emails: password spraying
    /// (`LOGIN_ADDRESS_MAX`, same window).
    public var loginPerAddress = Budget(limit: 50, window: 15 * 60)
    /// Sign-up attempts per client address (`SIGNUP_ADDRESS_MAX`, `SIGNUP_WINDOW_SECONDS`).
    public var signupPerAddress = Budget(limit: 20, window: 60 * 60)
    /// Registration attempts per user per minute (`REGISTRATION_MAX_PER_MINUTE`).
    public var registrationsPerUser = Budget(limit: 10, window: 60)

    public init() {}
}

/// What one counted attempt saw: the key's count including it, and the seconds until its window ends.
public struct AttemptCount: Sendable, Equatable {
    public let count: Int
    public let retryAfterSeconds: Int

    public init(count: Int, retryAfterSeconds: Int) {
        self.count = count
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// Fixed-window attempt counters. An attempt is counted *before* the work it pays for and the
/// count is returned in the same atomic step, so parallel attempts cannot all see room left
/// (check-then-act is what let a burst of logins guess as often as it sent requests).
/// Implementations do not throw: one that loses its backing store falls back to memory.
public protocol AttemptCounter: Sendable {
    /// Counts one attempt against each key (its window starts with its first attempt) and
    /// returns the counts in the same order.
    func hit(_ keys: [(key: String, window: TimeInterval)], now: Date) async -> [AttemptCount]
    /// Takes one attempt back from each key that still has a window: the attempt turned out not
    /// to cost what the budget guards (a successful login, a request refused before its work).
    func refund(_ keys: [String]) async
    /// Forgets a key's attempts.
    func reset(_ key: String) async
}
