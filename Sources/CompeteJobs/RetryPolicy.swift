import Foundation

/// Exponential backoff with jitter, in the spirit of BullMQ's `attempts` and
/// `backoff: {type: "exponential", delay}`: attempt n waits base × factor^(n−1), capped at
/// `maxDelay`, shortened by up to `jitter` (a fraction) at random so retries spread out.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var baseDelay: TimeInterval
    public var factor: Double
    public var maxDelay: TimeInterval
    public var jitter: Double

    public init(maxAttempts: Int = 5, baseDelay: TimeInterval = 2, factor: Double = 2, maxDelay: TimeInterval = 300, jitter: Double = 0.2) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.factor = factor
        self.maxDelay = maxDelay
        self.jitter = jitter
    }

    /// The wait after failed attempt number `attempt` (1-based); `random` is in 0..<1.
    public func delay(afterAttempt attempt: Int, random: Double) -> TimeInterval {
        let exponential = baseDelay * pow(factor, Double(max(0, attempt - 1)))
        return min(maxDelay, exponential) * (1 - jitter * random)
    }
}
