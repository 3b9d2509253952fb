import Foundation

/// A user logged out at `at`: from then on their tokens must carry at least `version`.
public struct TokenRevocation: Sendable, Equatable {
    public let userId: UUID
    public let version: Int
    public let at: Date

    public init(userId: UUID, version: Int, at: Date) {
        self.userId = userId
        self.version = version
        self.at = at
    }
}

/// Which tokens logging out has ended, known without a database read per request.
///
/// Tokens are signed and carry their account's token generation (`ver`); logging out moves the
/// generation on in the database (`users.token_version`). Every authenticated request asks this
/// process's copy of the recent revocations, which is read again at most every
/// `refreshInterval` (default 1 s) by the first request that finds it older — one query per
/// interval per process whatever the traffic, so registering, the hot path, pays an actor hop
/// and a dictionary lookup. A logout is honoured at once by the process that handled it (it
/// records it here) and within `refreshInterval` by every other instance.
///
/// Only revocations younger than the token lifetime are kept: every token issued before an
/// older one has expired anyway. If the database cannot be read when a refresh is due, the
/// request fails (503 `temporarily_unavailable`) rather than trust an old copy.
public actor TokenRevocations {
    private let store: any TokenVersionStore
    private let refreshInterval: TimeInterval
    private let retention: TimeInterval
    private let now: @Sendable () -> Date
    private var minimumVersion: [UUID: TokenRevocation] = [:]
    private var checkedAt: Date?
    private var refreshing: Task<Void, any Error>?

    /// Each read goes back this far before the previous one, so a revocation whose transaction
    /// committed late, or that was stamped by an instance whose clock is a little behind, is not
    /// missed. (The first read goes back the whole token lifetime.)
    static let overlap: TimeInterval = 10

    public init(store: any TokenVersionStore, refreshInterval: TimeInterval, retention: TimeInterval, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.refreshInterval = refreshInterval
        self.retention = retention
        self.now = now
    }

    /// Whether a verified token's generation is still current.
    public func accepts(_ principal: Principal) async throws -> Bool {
        try await refreshIfDue()
        return principal.tokenVersion >= (minimumVersion[principal.userId]?.version ?? 0)
    }

    /// Ends every token of the user issued so far, here at once and, through the database,
    /// everywhere else within `refreshInterval`.
    public func revoke(userId: UUID) async throws {
        guard let revocation = try await store.revokeTokens(userId: userId, now: now()) else { return }
        remember([revocation])
    }

    private func refreshIfDue() async throws {
        let current = now()
        if let checkedAt, current >= checkedAt, current.timeIntervalSince(checkedAt) < refreshInterval { return }
        if let refreshing { return try await refreshing.value }
        // One read for every request that finds the copy old; they all wait for it.
        let task = Task { try await self.load(at: current) }
        refreshing = task
        defer { refreshing = nil }
        try await task.value
    }

    private func load(at current: Date) async throws {
        let since = checkedAt.map { $0.addingTimeInterval(-Self.overlap) } ?? current.addingTimeInterval(-retention)
        let revocations: [TokenRevocation]
        do {
            revocations = try await store.revocations(since: since)
        } catch {
            // The database is down: no request can be trusted now, but a retry soon may be.
            throw DomainError.temporarilyUnavailable(retryAfterSeconds: 1)
        }
        remember(revocations)
        checkedAt = current
        let horizon = current.addingTimeInterval(-retention)
        minimumVersion = minimumVersion.filter { $0.value.at > horizon }
    }

    private func remember(_ revocations: [TokenRevocation]) {
        for revocation in revocations {
            if revocation.version > minimumVersion[revocation.userId]?.version ?? 0 {
                minimumVersion[revocation.userId] = revocation
            }
        }
    }
}
