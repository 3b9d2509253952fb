import Foundation

/// How many failed logins are tolerated per key within a window.
public struct LoginThrottlePolicy: Sendable {
    public var maxFailures: Int
    public var window: TimeInterval

    public init(maxFailures: Int = 5, window: TimeInterval = 15 * 60) {
        self.maxFailures = maxFailures
        self.window = window
    }
}

/// Fixed-window failure counter for one process. Good for the embedded mode; a Redis-backed
/// limiter shares the counts across instances.
public actor InMemoryLoginRateLimiter: LoginRateLimiter {
    private struct Window { var start: Date; var failures: Int }
    private var windows: [String: Window] = [:]
    private let policy: LoginThrottlePolicy

    public init(policy: LoginThrottlePolicy) {
        self.policy = policy
    }

    public func blockedFor(_ key: String, now: Date) -> Int? {
        guard let window = windows[key] else { return nil }
        let end = window.start.addingTimeInterval(policy.window)
        guard now < end else {
            windows[key] = nil
            return nil
        }
        return window.failures >= policy.maxFailures ? Int(end.timeIntervalSince(now).rounded(.up)) : nil
    }

    public func recordFailure(_ key: String, now: Date) {
        if var window = windows[key], now < window.start.addingTimeInterval(policy.window) {
            window.failures += 1
            windows[key] = window
        } else {
            windows[key] = Window(start: now, failures: 1)
        }
        if windows.count > 50_000 { evictExpired(now: now) }
    }

    public func reset(_ key: String) {
        windows[key] = nil
    }

    private func evictExpired(now: Date) {
        windows = windows.filter { now < $0.value.start.addingTimeInterval(policy.window) }
    }
}
