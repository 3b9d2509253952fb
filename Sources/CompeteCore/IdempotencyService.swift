import Foundation

/// Runs requests under their idempotency keys, and sweeps expired outcomes.
public struct IdempotencyService: Sendable {
    let store: any IdempotencyStore
    let policy: IdempotencyPolicy
    let effects: Effects
    let observe: @Sendable (IdempotencyEvent) -> Void

    public init(
        store: any IdempotencyStore, policy: IdempotencyPolicy, effects: Effects,
        observe: @escaping @Sendable (IdempotencyEvent) -> Void = { _ in }
    ) {
        self.store = store
        self.policy = policy
        self.effects = effects
        self.observe = observe
    }

    public func begin(_ request: IdempotencyRequest) async throws -> IdempotencyStart {
        try await counted { try await store.begin(request, now: effects.now(), policy: policy) }
    }

    /// `begin`, but a new key may be left for the work's transaction to claim.
    public func beginDeferringClaim(_ request: IdempotencyRequest) async throws -> IdempotencyStart {
        try await counted { try await store.beginDeferringClaim(request, now: effects.now(), policy: policy) }
    }

    /// Runs `work` once per key: replays a finished outcome, refuses reuse of the key for
    /// another request and a duplicate still in flight, and otherwise runs the work under a
    /// lease, which the work's own transaction uses to store its outcome together with the work.
    /// Without a key the work just runs (with no lease).
    ///
    /// A key the store left unclaimed and unread is looked at only when the work does not
    /// store an outcome: its claim failed (the key was used — by a finished request, a reused
    /// key, one in flight), or the work refused; what the key holds then answers first, exactly
    /// as if it had been read before the work. A work that spends a budget refunds it when its
    /// claim fails (`idempotencyRequestInProgress`): that attempt did nothing.
    public func run<Outcome: Codable & Sendable>(
        _ call: IdempotencyCall?, userId: UUID, _ work: (IdempotencyLease?) async throws -> Outcome
    ) async throws -> Idempotent<Outcome> {
        guard let call else { return Idempotent(try await work(nil), replayed: false) }
        let request = IdempotencyRequest(userId: userId, key: call.key, fingerprint: call.fingerprint)
        switch try await beginDeferringClaim(request) {
        case .replay(let stored):
            return try replayed(stored)
        case .started(let lease):
            return try await perform(lease, work)
        case .unclaimed(let lease):
            do {
                return try await perform(lease, work)
            } catch DomainError.idempotencyRequestInProgress {
                // Another request claimed the key while ours ran, and ours rolled back: answer
                // exactly as if that one had claimed it before we started.
                return try await resume(try await begin(request), work)
            } catch {
                guard let start = try await counted({
                    try await store.beginIfKnown(request, now: effects.now(), policy: policy)
                }) else { throw error }
                return try await resume(start, work)
            }
        }
    }

    /// The work under a key found used: its stored outcome, or the work again under the lease
    /// `begin` took over (an earlier request's lapsed).
    private func resume<Outcome: Codable & Sendable>(
        _ start: IdempotencyStart, _ work: (IdempotencyLease?) async throws -> Outcome
    ) async throws -> Idempotent<Outcome> {
        switch start {
        case .replay(let stored): return try replayed(stored)
        case .started(let lease), .unclaimed(let lease): return try await perform(lease, work)
        }
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

    /// Runs the work under `lease`; its transaction stored the outcome if it returns one.
    private func perform<Outcome: Sendable>(
        _ lease: IdempotencyLease, _ work: (IdempotencyLease?) async throws -> Outcome
    ) async throws -> Idempotent<Outcome> {
        let outcome: Outcome
        do {
            outcome = try await work(lease)
        } catch {
            // An unread key's claim failed: nothing started, `run` asks what the key holds.
            if lease.external, case DomainError.idempotencyRequestInProgress = error { throw error }
            observe(.started)
            // Refused before it started, or failed: nothing stored, the key is free again.
            try? await store.release(lease)
            throw error
        }
        observe(.started)
        try? await store.finished(lease)
        return Idempotent(outcome, replayed: false)
    }

    private func replayed<Outcome: Decodable & Sendable>(_ stored: StoredOutcome) throws -> Idempotent<Outcome> {
        observe(.replayed)
        return Idempotent(try stored.decode(Outcome.self), replayed: true)
    }

    /// Counts refusals of the key by kind.
    private func counted<Start>(_ start: () async throws -> Start) async throws -> Start {
        do {
            return try await start()
        } catch DomainError.idempotencyKeyReused {
            observe(.reused)
            throw DomainError.idempotencyKeyReused
        } catch let DomainError.idempotencyRequestInProgress(seconds) {
            observe(.inProgress)
            throw DomainError.idempotencyRequestInProgress(retryAfterSeconds: seconds)
        }
    }
}
