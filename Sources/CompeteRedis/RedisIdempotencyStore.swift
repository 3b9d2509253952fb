import CompeteCore
import Foundation

/// Idempotency with the in-flight lock in Redis (`SET key token|fingerprint NX PX lease`) and
/// finished outcomes in the database, where they commit together with the work. If a lock
/// expires while its request still runs and a retry takes over, only one of them can insert the
/// outcome; the other's transaction rolls back, so the work still happens once.
public struct RedisIdempotencyStore: IdempotencyStore {
    let redis: RedisClient
    let outcomes: any IdempotencyOutcomes

    public init(redis: RedisClient, outcomes: any IdempotencyOutcomes) {
        self.redis = redis
        self.outcomes = outcomes
    }

    static func lockKey(userId: UUID, key: String) -> String {
        "mc:idem:\(userId.uuidString.lowercased()):\(key)"
    }

    public func begin(_ request: IdempotencyRequest, now: Date, policy: IdempotencyPolicy) async throws -> IdempotencyStart {
        do {
            return try await claim(request, now: now, policy: policy)
        } catch is RedisError {
            // Without the lock we cannot tell a duplicate from a first request: refuse for now.
            throw DomainError.temporarilyUnavailable(retryAfterSeconds: 5)
        }
    }

    private func claim(_ request: IdempotencyRequest, now: Date, policy: IdempotencyPolicy) async throws -> IdempotencyStart {
        let key = request.key.value
        if let replay = try await finishedOutcome(request, now: now, policy: policy) { return replay }
        let token = UUID()
        let lock = Self.lockKey(userId: request.userId, key: key)
        let acquired = try await redis.set(
            lock, to: RedisArgument("\(token.uuidString)|\(request.fingerprint)"),
            onlyIfAbsent: true, expireAfterMilliseconds: Int(policy.lease * 1000)
        )
        guard acquired else {
            let holder = try await redis.get(lock)
            if let holder, !holder.hasSuffix("|\(request.fingerprint)") { throw DomainError.idempotencyKeyReused }
            // The holder may have finished between our two looks.
            if let replay = try await finishedOutcome(request, now: now, policy: policy) { return replay }
            throw DomainError.idempotencyRequestInProgress(retryAfterSeconds: 1)
        }
        // An outcome may have been stored just before we took the lock.
        if let replay = try await finishedOutcome(request, now: now, policy: policy) {
            _ = try await redis.eval(Self.compareAndDelete, keys: [lock], arguments: [RedisArgument(token.uuidString + "|" + request.fingerprint)])
            return replay
        }
        return .started(IdempotencyLease(
            userId: request.userId, key: key, token: token, fingerprint: request.fingerprint, startedAt: now, external: true
        ))
    }

    private func finishedOutcome(_ request: IdempotencyRequest, now: Date, policy: IdempotencyPolicy) async throws -> IdempotencyStart? {
        guard let outcome = try await outcomes.outcome(userId: request.userId, key: request.key.value),
              outcome.createdAt >= now.addingTimeInterval(-policy.retention) else { return nil }
        guard outcome.fingerprint == request.fingerprint else { throw DomainError.idempotencyKeyReused }
        return .replay(outcome.response)
    }

    public func release(_ lease: IdempotencyLease) async throws {
        try await unlock(lease)
    }

    public func finished(_ lease: IdempotencyLease) async throws {
        try await unlock(lease)
    }

    public func purge(createdBefore cutoff: Date) async throws -> Int {
        try await outcomes.purge(createdBefore: cutoff)
    }

    private func unlock(_ lease: IdempotencyLease) async throws {
        _ = try await redis.eval(
            Self.compareAndDelete, keys: [Self.lockKey(userId: lease.userId, key: lease.key)],
            arguments: [RedisArgument(lease.token.uuidString + "|" + lease.fingerprint)]
        )
    }

    /// Deletes the lock only if we still hold it (never someone else's lock after expiry).
    static let compareAndDelete = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end
        """
}
