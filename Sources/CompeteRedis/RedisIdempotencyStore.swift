import CompeteCore
import Foundation

/// Idempotency with the in-flight lock in Redis (`SET key token|fingerprint NX PX lease`) and
/// finished outcomes in the database, where they commit together with the work. If a lock
/// expires while its request still runs and a retry takes over, only one of them can insert the
/// outcome; the other's transaction rolls back, so the work still happens once.
public struct RedisIdempotencyStore: IdempotencyStore {
    let redis: RedisClient
    let outcomes: any IdempotencyOutcomes
    /// Prepended to every lock's key (``RedisNamespace/idempotency``).
    let keyPrefix: String

    public init(redis: RedisClient, outcomes: any IdempotencyOutcomes, keyPrefix: String) {
        self.redis = redis
        self.outcomes = outcomes
        self.keyPrefix = keyPrefix
    }

    func lockKey(userId: UUID, key: String) -> String {
        "\(keyPrefix)\(userId.uuidString.lowercased()):\(key)"
    }

    /// How long `begin` keeps trying while Redis cannot be reached, so a Redis restart is ridden
    /// through instead of answered with 503.
    static let outageGrace: Duration = .seconds(3)

    public func begin(_ request: IdempotencyRequest, now: Date, policy: IdempotencyPolicy) async throws -> IdempotencyStart {
        // One token for every try: if a try's SET ran but its reply was lost, the next try
        // finds the lock holding this token and knows it is ours.
        let token = UUID()
        let giveUp = ContinuousClock.now + Self.outageGrace
        while true {
            do {
                return try await claim(request, token: token, now: now, policy: policy)
            } catch let error as RedisError {
                let unreachable = switch error {
                case .connection, .timeout: true
                default: false
                }
                // Without the lock we cannot tell a duplicate from a first request: refuse for now.
                guard unreachable, ContinuousClock.now < giveUp else { throw DomainError.temporarilyUnavailable(retryAfterSeconds: 5) }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// The lock first, then the database: a first request (the common case) reads the database
    /// once, after taking the lock, which also catches an outcome stored just before.
    private func claim(_ request: IdempotencyRequest, token: UUID, now: Date, policy: IdempotencyPolicy) async throws -> IdempotencyStart {
        let key = request.key.value
        let lock = lockKey(userId: request.userId, key: key)
        let value = "\(token.uuidString)|\(request.fingerprint)"
        var acquired = try await redis.set(
            lock, to: RedisArgument(value), onlyIfAbsent: true, expireAfterMilliseconds: Int(policy.lease * 1000)
        )
        if !acquired {
            let holder = try await redis.get(lock)
            if let holder, !holder.hasSuffix("|\(request.fingerprint)") { throw DomainError.idempotencyKeyReused }
            acquired = holder == value
        }
        guard acquired else {
            // The holder may have finished between our two looks.
            if let replay = try await finishedOutcome(request, now: now, policy: policy) { return replay }
            throw DomainError.idempotencyRequestInProgress(retryAfterSeconds: 1)
        }
        // A retry of a finished request, or of one that reused the key for something else.
        let finished: IdempotencyStart?
        do {
            finished = try await finishedOutcome(request, now: now, policy: policy)
        } catch {
            try? await unlock(lock, value)
            throw error
        }
        if let finished {
            try await unlock(lock, value)
            return finished
        }
        return .started(IdempotencyLease(
            userId: request.userId, key: key, token: token, fingerprint: request.fingerprint, startedAt: now, external: true
        ))
    }

    private func finishedOutcome(_ request: IdempotencyRequest, now: Date, policy: IdempotencyPolicy) async throws -> IdempotencyStart? {
        guard let outcome = try await outcomes.outcome(userId: request.userId, key: request.key.value),
              outcome.createdAt >= now.addingTimeInterval(-policy.retention) else { return nil }
        guard outcome.fingerprint == request.fingerprint else { throw DomainError.idempotencyKeyReused }
        return .replay(outcome.outcome)
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
        try await unlock(lockKey(userId: lease.userId, key: lease.key), "\(lease.token.uuidString)|\(lease.fingerprint)")
    }

    private func unlock(_ lock: String, _ value: String) async throws {
        _ = try await redis.eval(Self.compareAndDelete, keys: [lock], arguments: [RedisArgument(value)])
    }

    /// Deletes the lock only if we still hold it (never someone else's lock after expiry).
    static let compareAndDelete = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end
        """
}
