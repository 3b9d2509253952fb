import CompeteCore
import Foundation

/// Where each registration of a batch goes, decided in arrival order from the competition's
/// counters as its locked row holds them — exactly the answers the registrations would have had
/// one after the other: the same rules, in the same order, as the seat claim and `diagnose`.
/// No SQL here; `SQLRegistrationStore+Batch.swift` reads the row and writes the plan.
struct SeatPlan {
    /// The competition's row, locked for the batch.
    struct Competition {
        var registeredCount: Int
        let capacity: Int
        var waitlistCount: Int
        let waitlistCapacity: Int
        var waitlistTail: Int
        /// The deadline has passed by the database's clock.
        let closed: Bool
        let opensAt: Date?
        let timeZone: TimeZoneName
        /// Entered by teams: individuals are refused.
        let teams: Bool
    }

    /// One registration asking for a place.
    struct Request {
        let userId: UUID
        /// The request's clock, which judges the opening (as in the seat claim).
        let now: Date
        let awaitingApproval: Bool
    }

    enum Decision: Equatable {
        /// `last`: it took the last free seat (`competition.full`).
        case seat(last: Bool)
        case waitlist(position: Int, sequence: Int)
        /// Waits for the organizer's decision (`pending_count`), no seat taken.
        case approval
        case refused(RegistrationRejection)
    }

    private(set) var competition: Competition
    /// Users with an active registration: already there, or given a place by this batch.
    private var registered: Set<UUID>
    private(set) var seats = 0
    private(set) var waitlisted = 0
    private(set) var pending = 0

    init(_ competition: Competition, registered: Set<UUID>) {
        self.competition = competition
        self.registered = registered
    }

    /// The next request's place, in arrival order.
    mutating func decide(_ request: Request) -> Decision {
        if competition.teams { return .refused(.teamRequired) }
        if registered.contains(request.userId) { return .refused(.alreadyRegistered) }
        if competition.closed { return .refused(.closed) }
        if let opensAt = competition.opensAt, request.now < opensAt {
            return .refused(.notOpen(opensAt: opensAt, timeZone: competition.timeZone))
        }
        let decision: Decision
        if request.awaitingApproval {
            pending += 1
            decision = .approval
        } else if competition.registeredCount < competition.capacity {
            competition.registeredCount += 1
            seats += 1
            decision = .seat(last: competition.registeredCount == competition.capacity)
        } else if competition.waitlistCount < competition.waitlistCapacity {
            competition.waitlistCount += 1
            competition.waitlistTail += 1
            waitlisted += 1
            decision = .waitlist(position: competition.waitlistCount, sequence: competition.waitlistTail)
        } else {
            return .refused(.full)
        }
        registered.insert(request.userId)
        return decision
    }
}
