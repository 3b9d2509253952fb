import Foundation

/// Starts idempotent requests under the configured lease and sweeps expired outcomes.
public struct IdempotencyService: Sendable {
    let store: any IdempotencyStore
    let policy: IdempotencyPolicy
    let effects: Effects

    public init(store: any IdempotencyStore, policy: IdempotencyPolicy, effects: Effects) {
        self.store = store
        self.policy = policy
        self.effects = effects
    }

    public func begin(_ request: IdempotencyRequest) async throws -> IdempotencyStart {
        try await store.begin(request, now: effects.now(), policy: policy)
    }

    /// `begin` for the API: a new key may be left for the work's transaction to claim.
    public func beginDeferringClaim(_ request: IdempotencyRequest) async throws -> IdempotencyStart {
        try await store.beginDeferringClaim(request, now: effects.now(), policy: policy)
    }

    public func release(_ lease: IdempotencyLease) async throws {
        try await store.release(lease)
    }

    public func finished(_ lease: IdempotencyLease) async throws {
        try await store.finished(lease)
    }

    /// Deletes outcomes past the retention period; returns how many were removed.
    @discardableResult
    public func purgeExpired() async throws -> Int {
        try await store.purge(createdBefore: effects.now().addingTimeInterval(-policy.retention))
    }
}
