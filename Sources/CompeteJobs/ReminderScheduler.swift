import Foundation

public protocol ReminderStore: Sendable {
    /// Enqueues one `reminder:notify` job for every active registration of a competition starting
    /// after `now` and no later than `startingBy`, unless one of this `kind` was enqueued before
    /// (a uniqueness constraint decides). Returns how many were enqueued.
    func scheduleReminders(kind: String, startingBy: Date, now: Date) async throws -> Int
}

/// Finds participants to remind. Any number of schedulers may tick at once.
public struct ReminderScheduler: Sendable {
    let store: any ReminderStore
    let now: @Sendable () -> Date

    /// Participants are reminded once a competition starts within this window.
    public static let window: TimeInterval = 24 * 3600

    public init(store: any ReminderStore, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = now
    }

    @discardableResult
    public func tick() async throws -> Int {
        let now = now()
        return try await store.scheduleReminders(kind: "24h", startingBy: now.addingTimeInterval(Self.window), now: now)
    }
}
