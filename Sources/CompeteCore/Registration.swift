import Foundation

public enum RegistrationStatus: String, Sendable, Codable {
    case confirmed
    /// No seat was left but the waitlist had room; promoted to `confirmed` first come, first
    /// served when a seat frees up.
    case waitlisted
    case cancelled
}

/// The answer to a successful registration: a seat, or a place on the waitlist.
public struct RegistrationReceipt: Sendable, Equatable, Codable {
    public let registrationId: UUID
    public let competitionId: UUID
    public let status: RegistrationStatus
    /// 1-based place on the waitlist, for `waitlisted` only.
    public let position: Int?
    public let registeredAt: Date

    public init(registrationId: UUID, competitionId: UUID, status: RegistrationStatus, position: Int? = nil, registeredAt: Date) {
        self.registrationId = registrationId
        self.competitionId = competitionId
        self.status = status
        self.position = position
        self.registeredAt = registeredAt
    }
}

/// Why a seat could not be claimed, in the order the rules are checked.
public enum RegistrationRejection: String, Error, Sendable, Equatable, Codable {
    case notFound
    case alreadyRegistered
    case closed
    case full

    public var error: DomainError {
        switch self {
        case .notFound: .notFound
        case .alreadyRegistered: .alreadyRegistered
        case .closed: .registrationClosed
        case .full: .competitionFull
        }
    }
}

/// What a registration attempt came to. A refusal is an outcome like a seat: it is stored
/// under the idempotency key and replayed the same way.
public enum RegistrationOutcome: Sendable, Equatable, Codable {
    case confirmed(RegistrationReceipt)
    /// No seat, but a place on the waitlist (`receipt.position`).
    case waitlisted(RegistrationReceipt)
    case refused(RegistrationRejection)

    /// A seat or a waitlist place, by the receipt's status.
    public init(_ receipt: RegistrationReceipt) {
        self = receipt.status == .waitlisted ? .waitlisted(receipt) : .confirmed(receipt)
    }
}

public struct CancellationReceipt: Sendable, Equatable {
    public let registrationId: UUID
    public let status: RegistrationStatus

    public init(registrationId: UUID, status: RegistrationStatus = .cancelled) {
        self.registrationId = registrationId
        self.status = status
    }
}

/// One of a participant's own registrations, with the competition it is for.
public struct ParticipantRegistration: Sendable, Equatable {
    public let registrationId: UUID
    public let status: RegistrationStatus
    /// Current 1-based place on the waitlist while `waitlisted`.
    public let position: Int?
    public let registeredAt: Date
    public let competitionId: UUID
    public let competitionTitle: String
    public let regDeadline: Date
    public let startDate: Date

    public init(
        registrationId: UUID, status: RegistrationStatus, position: Int? = nil, registeredAt: Date, competitionId: UUID,
        competitionTitle: String, regDeadline: Date, startDate: Date
    ) {
        self.registrationId = registrationId
        self.status = status
        self.position = position
        self.registeredAt = registeredAt
        self.competitionId = competitionId
        self.competitionTitle = competitionTitle
        self.regDeadline = regDeadline
        self.startDate = startDate
    }
}

/// A registration as its organizer sees it.
public struct Registrant: Sendable, Equatable {
    public let registrationId: UUID
    public let status: RegistrationStatus
    public let registeredAt: Date
    public let userId: UUID
    public let name: String
    public let email: String
    /// An email about this registration could not be delivered (refused, or out of attempts).
    public let deliveryFailed: Bool

    public init(
        registrationId: UUID, status: RegistrationStatus, registeredAt: Date, userId: UUID, name: String, email: String,
        deliveryFailed: Bool = false
    ) {
        self.deliveryFailed = deliveryFailed
        self.registrationId = registrationId
        self.status = status
        self.registeredAt = registeredAt
        self.userId = userId
        self.name = name
        self.email = email
    }
}
