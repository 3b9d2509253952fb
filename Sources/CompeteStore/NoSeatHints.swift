import Foundation
import NIOConcurrencyHelpers

/// Competitions where a registration just found no free seat (full or closed). For a moment
/// their registrations skip the one-statement seat path, which would change nothing, and go
/// straight to the transaction that explains the refusal: a sold-out storm stops paying for
/// both. Only a hint, per process: both paths claim seats with the same conditional update, so
/// a stale entry costs a few round trips, never a seat; a seat claimed by the transaction
/// clears it at once.
final class NoSeatHints: Sendable {
    private let until = NIOLockedValueBox<[UUID: ContinuousClock.Instant]>([:])
    private let ttl: Duration = .seconds(2)
    /// Far more competitions than sell out within `ttl`; past it the hints start over.
    private let capacity = 10_000

    func isFull(_ competitionId: UUID) -> Bool {
        until.withLockedValue { $0[competitionId].map { ContinuousClock.now < $0 } ?? false }
    }

    func noSeat(_ competitionId: UUID) {
        until.withLockedValue { hints in
            if hints.count >= capacity { hints.removeAll() }
            hints[competitionId] = ContinuousClock.now + ttl
        }
    }

    func seatTaken(_ competitionId: UUID) {
        _ = until.withLockedValue { $0.removeValue(forKey: competitionId) }
    }
}
