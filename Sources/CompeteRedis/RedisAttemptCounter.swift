import CompeteCore
import Foundation
import Logging
import Synchronization

/// Attempt counters shared by every instance: one Redis key per counter, its time to live the
/// window, started by its first attempt. Counting and reading happen in one script, one round
/// trip for all the keys of an attempt (a login's two budgets, a registration's one).
///
/// While Redis is unreachable it counts in this process's memory instead (``fallback``) and
/// says so in the log once per outage: the budgets then hold per instance, which is weaker
/// across instances but far better than letting every attempt through. Counts made during the
/// outage stay in memory; Redis starts from what it had.
public final class RedisAttemptCounter: AttemptCounter {
    let redis: RedisClient
    let logger: Logger
    /// Prepended to every counter's key (``RedisNamespace/rateLimits``).
    let keyPrefix: String
    let fallback: InMemoryAttemptCounter
    private let degraded = Atomic<Bool>(false)

    public init(redis: RedisClient, logger: Logger, keyPrefix: String, fallback: InMemoryAttemptCounter = InMemoryAttemptCounter()) {
        self.redis = redis
        self.logger = logger
        self.keyPrefix = keyPrefix
        self.fallback = fallback
    }

    public func hit(_ keys: [(key: String, window: TimeInterval)], now: Date) async -> [AttemptCount] {
        do {
            let reply = try await redis.eval(
                Self.hitScript, keys: keys.map { keyPrefix + $0.key },
                arguments: keys.map { RedisArgument(max(1, Int(($0.window * 1000).rounded(.up)))) }
            )
            guard let values = reply.array?.compactMap(\.int), values.count == keys.count * 2 else {
                throw RedisError.unexpectedReply(command: "EVAL attempt counter", reply: reply)
            }
            recovered()
            return stride(from: 0, to: values.count, by: 2).map {
                AttemptCount(count: values[$0], retryAfterSeconds: max(1, (values[$0 + 1] + 999) / 1000))
            }
        } catch {
            failedOver(error)
            return fallback.hit(keys, now: now)
        }
    }

    public func refund(_ keys: [String]) async {
        do {
            _ = try await redis.eval(Self.refundScript, keys: keys.map { keyPrefix + $0 })
            recovered()
        } catch {
            failedOver(error)
            fallback.refund(keys)
        }
    }

    public func reset(_ key: String) async {
        do {
            _ = try await redis.del([keyPrefix + key])
            recovered()
        } catch {
            failedOver(error)
            fallback.reset(key)
        }
    }

    private func failedOver(_ error: any Error) {
        if !degraded.exchange(true, ordering: .acquiringAndReleasing) {
            logger.warning("rate limits: Redis unavailable, counting in this process until it is back", metadata: ["error": "\(error)"])
        }
    }

    private func recovered() {
        if degraded.exchange(false, ordering: .acquiringAndReleasing) {
            logger.notice("rate limits: Redis is back, counting there again")
        }
    }

    /// KEYS: counters. ARGV: each counter's window in milliseconds. INCR each, start its window
    /// with its first attempt (or if it somehow has no expiry, so it can never stick), and
    /// return {count, milliseconds left} per key.
    static let hitScript = """
        local out = {}
        for i, key in ipairs(KEYS) do
          local n = redis.call('INCR', key)
          local ttl = redis.call('PTTL', key)
          if ttl < 0 then
            redis.call('PEXPIRE', key, ARGV[i])
            ttl = tonumber(ARGV[i])
          end
          out[#out + 1] = n
          out[#out + 1] = ttl
        end
        return out
        """

    /// KEYS: counters. Takes one attempt back from each that still exists (DECR keeps its
    /// expiry; a missing key is not created).
    static let refundScript = """
        for _, key in ipairs(KEYS) do
          if redis.call('EXISTS', key) == 1 then redis.call('DECR', key) end
        end
        return 0
        """
}
