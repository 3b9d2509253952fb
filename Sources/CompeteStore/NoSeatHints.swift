import CompeteCore
import Foundation
import NIOConcurrencyHelpers

/// Competitions where a registration just found no free seat (full, closed, or not open yet).
/// For a moment their registrations skip the one-statement seat path, which would change
/// nothing, and go straight to the transaction that explains the refusal: a sold-out storm, or
/// the crowd pressing the button before the opening second, stops paying for both. A not-open
/// hint ends at the opening instant itself, so the first registrations after it take the fast
/// path again. Only a hint, per process: both paths claim seats with the same conditional
/// update, so a stale entry costs a few round trips, never a seat; a seat claimed by the
/// transaction clears it at once.
final class NoSeatHints: Sendable {
    private struct Hint {
        let expires: ContinuousClock.Instant
        /// Set for a competition that has not opened: the hint holds only before this instant.
        let opensAt: Date?
    }

    private let hints = NIOLockedValueBox<[UUID: Hint]>([:])
    private let ttl: Duration = .seconds(2)
    /// Far more competitions than sell out within `ttl`; past it the hints start over.
    private let capacity = 10_000

    /// Whether a registration at `now` (the request's clock) should go straight to the transaction.
    func skipsSeatPath(_ competitionId: UUID, now: Date) -> Bool {
        hints.withLockedValue { hints in
            guard let hint = hints[competitionId], ContinuousClock.now < hint.expires else { return false }
            return hint.opensAt.map { now < $0 } ?? true
        }
    }

    /// What a registration's outcome says about the competition's seats.
    func learn(_ outcome: RegistrationOutcome, competitionId: UUID) {
        switch outcome {
        case .confirmed: seatTaken(competitionId)
        case .waitlisted, .refused(.full), .refused(.closed): noSeat(competitionId)
        case .refused(.notOpen(let opensAt, _)): notOpen(competitionId, until: opensAt)
        case .refused, .pending: break
        }
    }

    func noSeat(_ competitionId: UUID) {
        remember(competitionId, Hint(expires: ContinuousClock.now + ttl, opensAt: nil))
    }

    func notOpen(_ competitionId: UUID, until opensAt: Date) {
        remember(competitionId, Hint(expires: ContinuousClock.now + ttl, opensAt: opensAt))
    }

    func seatTaken(_ competitionId: UUID) {
        _ = hints.withLockedValue { $0.removeValue(forKey: competitionId) }
    }

    private func remember(_ competitionId: UUID, _ hint: Hint) {
        hints.withLockedValue { hints in
            if hints.count >= capacity { hints.removeAll() }
            hints[competitionId] = hint
        }
    }
}
