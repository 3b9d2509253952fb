import CompeteCore
import Foundation
import Logging

/// Login failure counts shared by every instance: one counter per key with a time to live of
/// the window, created by the first failure (fixed window, like the in-memory limiter).
/// While Redis is down it fails open — logins keep working, unthrottled, with a warning logged —
/// because refusing every login is worse than briefly not counting failures.
public struct RedisLoginRateLimiter: LoginRateLimiter {
    let redis: RedisClient
    let policy: LoginThrottlePolicy
    let logger: Logger
    /// Prepended to every counter's key (``RedisNamespace/login``).
    let keyPrefix: String

    public init(redis: RedisClient, policy: LoginThrottlePolicy, logger: Logger, keyPrefix: String) {
        self.redis = redis
        self.policy = policy
        self.logger = logger
        self.keyPrefix = keyPrefix
    }

    private func failingOpen<T>(_ fallback: T, _ body: () async throws -> T) async -> T {
        do {
            return try await body()
        } catch {
            logger.warning("login throttle unavailable, not counting", metadata: ["error": "\(error)"])
            return fallback
        }
    }

    func counterKey(_ key: String) -> String {
        "\(keyPrefix)failures:\(key)"
    }

    public func blockedFor(_ key: String, now: Date) async -> Int? {
        let counter = counterKey(key)
        return await failingOpen(nil) {
            let replies = try await redis.pipeline([["GET", counter], ["PTTL", counter]])
            guard replies.count == 2, let failures = replies[0].string.flatMap(Int.init), failures >= policy.maxFailures,
                  let ttl = replies[1].int, ttl > 0 else { return nil }
            return max(1, (ttl + 999) / 1000)
        }
    }

    public func recordFailure(_ key: String, now: Date) async {
        await failingOpen(()) {
            _ = try await redis.eval(Self.incrementInWindow, keys: [counterKey(key)],
                                     arguments: [RedisArgument(Int(policy.window * 1000))])
        }
    }

    public func reset(_ key: String) async {
        await failingOpen(()) { try await redis.del([counterKey(key)]) }
    }

    /// INCR, and start the window with the first failure, atomically.
    static let incrementInWindow = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return n
        """
}
