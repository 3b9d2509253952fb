import Foundation
import Synchronization

/// Attempt counters for one process: the embedded mode's, and the fallback of the Redis ones
/// while Redis is unreachable. One lock guards the map, so counting and reading a key's count
/// are one step (no await between them) and a hit costs one dictionary update.
///
/// The map is bounded: new keys beyond `capacity` first sweep expired windows and, if that is
/// not enough, drop the windows closest to their end, a tenth of the map at a time (the sort is
/// paid once per `capacity / 10` new keys). Creating keys costs an attacker budget too (every
/// login and sign-up also spends its client address's budget), so filling the map takes many
/// addresses; what it buys them is a fresh window for the keys dropped.
public final class InMemoryAttemptCounter: AttemptCounter {
    private struct Window {
        var count: Int
        let ends: Date
    }

    private let windows = Mutex<[String: Window]>([:])
    public let capacity: Int

    public init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    public func hit(_ keys: [(key: String, window: TimeInterval)], now: Date) -> [AttemptCount] {
        windows.withLock { windows in
            keys.map { key, length in
                var window: Window
                if let current = windows[key], now < current.ends {
                    window = current
                } else {
                    if windows[key] == nil, windows.count >= capacity { Self.evict(&windows, now: now, capacity: capacity) }
                    window = Window(count: 0, ends: now.addingTimeInterval(length))
                }
                window.count += 1
                windows[key] = window
                return AttemptCount(count: window.count, retryAfterSeconds: max(1, Int(window.ends.timeIntervalSince(now).rounded(.up))))
            }
        }
    }

    public func refund(_ keys: [String]) {
        windows.withLock { windows in
            for key in keys {
                guard var window = windows[key] else { continue }
                window.count = max(0, window.count - 1)
                windows[key] = window
            }
        }
    }

    public func reset(_ key: String) {
        _ = windows.withLock { $0.removeValue(forKey: key) }
    }

    /// How many keys are held (for tests of the bound).
    public var count: Int { windows.withLock { $0.count } }

    private static func evict(_ windows: inout [String: Window], now: Date, capacity: Int) {
        windows = windows.filter { now < $0.value.ends }
        let target = capacity - max(1, capacity / 10)
        guard windows.count > target else { return }
        let oldest = windows.sorted { $0.value.ends < $1.value.ends }.prefix(windows.count - target)
        for (key, _) in oldest { windows[key] = nil }
    }
}
