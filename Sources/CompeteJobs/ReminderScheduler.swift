import Foundation

public protocol ReminderStore: Sendable {
    /// Enqueues one `reminder:notify` job for every confirmed registration of a competition
    /// starting after `startingAfter` and no later than `startingBy`, unless one of this `kind` was
    /// enqueued before (a uniqueness constraint decides). Returns how many were enqueued.
    func scheduleReminders(kind: String, startingAfter: Date, startingBy: Date, now: Date) async throws -> Int
}

/// Finds participants to remind: once when a competition is less than 24 hours away and once
/// more in its last hour. Any number of schedulers may tick at once.
public struct ReminderScheduler: Sendable {
    let store: any ReminderStore
    let now: @Sendable () -> Date

    /// A reminder kind and how long before the start it is due.
    public struct Kind: Sendable {
        public let name: String
        public let lead: TimeInterval
    }

    /// Longest lead first: a registration made inside the last hour gets only the last-hour
    /// reminder, not two at once.
    public static let kinds = [Kind(name: "24h", lead: 24 * 3600), Kind(name: "1h", lead: 3600)]

    public init(store: any ReminderStore, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = now
    }

    @discardableResult
    public func tick() async throws -> Int {
        let now = now()
        var scheduled = 0
        for (index, kind) in Self.kinds.enumerated() {
            let next = index + 1 < Self.kinds.count ? Self.kinds[index + 1].lead : 0
            scheduled += try await store.scheduleReminders(
                kind: kind.name, startingAfter: now.addingTimeInterval(next),
                startingBy: now.addingTimeInterval(kind.lead), now: now
            )
        }
        return scheduled
    }
}
