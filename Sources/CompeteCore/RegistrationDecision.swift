import Foundation

/// The organizer's decision on a pending registration.
public enum RegistrationDecision: Sendable, Equatable {
    case approve
    case decline(reason: String?)

    public static let maxReason = 500
}

/// A registration after a decision: `confirmed`, `waitlisted` (with `position`) or `declined`.
public struct DecisionReceipt: Sendable, Equatable {
    public let registrationId: UUID
    public let competitionId: UUID
    public let status: RegistrationStatus
    public let position: Int?
    public let registeredAt: Date
    public let declineReason: String?

    public init(
        registrationId: UUID, competitionId: UUID, status: RegistrationStatus, position: Int? = nil, registeredAt: Date,
        declineReason: String? = nil
    ) {
        self.registrationId = registrationId
        self.competitionId = competitionId
        self.status = status
        self.position = position
        self.registeredAt = registeredAt
        self.declineReason = declineReason
    }
}

/// What deciding came to; refusals are values the service turns into errors.
public enum DecisionOutcome: Sendable, Equatable {
    case decided(DecisionReceipt)
    /// No such registration in this competition.
    case notFound
    /// Cancelled, or decided the other way already.
    case notPending
    /// Approving found neither a seat nor room on the waitlist; it stays pending.
    case full
}
