import Foundation

public enum RegistrationStatus: String, Sendable, Codable {
    case confirmed
    /// No seat was left but the waitlist had room; promoted to `confirmed` first come, first
    /// served when a seat frees up.
    case waitlisted
    case cancelled
    /// Waiting for the organizer's approval; holds no seat.
    case pending
    /// Refused by the organizer (final: the participant cannot register again).
    case declined

    /// Statuses that count as "registered" for the participant: one at most per competition.
    public var isActive: Bool { self == .confirmed || self == .waitlisted || self == .pending }

    public static let active: [RegistrationStatus] = [.confirmed, .waitlisted, .pending]
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
public enum RegistrationRejection: Error, Sendable, Equatable {
    case notFound
    case alreadyRegistered
    case closed
    /// Registration opens at `opensAt`; `timeZone` is the competition's, to say it locally.
    case notOpen(opensAt: Date, timeZone: TimeZoneName)
    case full

    public var error: DomainError {
        switch self {
        case .notFound: .notFound
        case .alreadyRegistered: .alreadyRegistered
        case .closed: .registrationClosed
        case .notOpen(let opensAt, let timeZone): .registrationNotOpen(opensAt: opensAt, timeZone: timeZone)
        case .full: .competitionFull
        }
    }
}

extension RegistrationRejection: Codable {
    // Stored under idempotency keys: the plain reasons stay the strings they always were
    // (`"closed"`), so outcomes stored before `notOpen` existed still replay; `notOpen` is an
    // object carrying what its answer says.
    private enum Plain: String, Codable { case notFound, alreadyRegistered, closed, full }
    private enum NotOpenKeys: String, CodingKey { case notOpen, opensAt, timeZone }

    public init(from decoder: any Decoder) throws {
        if let plain = try? decoder.singleValueContainer().decode(Plain.self) {
            self = switch plain {
            case .notFound: .notFound
            case .alreadyRegistered: .alreadyRegistered
            case .closed: .closed
            case .full: .full
            }
            return
        }
        let outer = try decoder.container(keyedBy: NotOpenKeys.self)
        let fields = try outer.nestedContainer(keyedBy: NotOpenKeys.self, forKey: .notOpen)
        self = .notOpen(
            opensAt: try fields.decode(Date.self, forKey: .opensAt), timeZone: try fields.decode(TimeZoneName.self, forKey: .timeZone)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        let plain: Plain
        switch self {
        case .notFound: plain = .notFound
        case .alreadyRegistered: plain = .alreadyRegistered
        case .closed: plain = .closed
        case .full: plain = .full
        case .notOpen(let opensAt, let timeZone):
            var outer = encoder.container(keyedBy: NotOpenKeys.self)
            var fields = outer.nestedContainer(keyedBy: NotOpenKeys.self, forKey: .notOpen)
            try fields.encode(opensAt, forKey: .opensAt)
            try fields.encode(timeZone, forKey: .timeZone)
            return
        }
        var container = encoder.singleValueContainer()
        try container.encode(plain)
    }
}

/// What a registration attempt came to. A refusal is an outcome like a seat: it is stored
/// under the idempotency key and replayed the same way.
public enum RegistrationOutcome: Sendable, Equatable, Codable {
    case confirmed(RegistrationReceipt)
    /// No seat, but a place on the waitlist (`receipt.position`).
    case waitlisted(RegistrationReceipt)
    /// Waiting for the organizer's approval, no seat taken.
    case pending(RegistrationReceipt)
    case refused(RegistrationRejection)

    /// A seat, a waitlist place or a wait for approval, by the receipt's status.
    public init(_ receipt: RegistrationReceipt) {
        switch receipt.status {
        case .waitlisted: self = .waitlisted(receipt)
        case .pending: self = .pending(receipt)
        default: self = .confirmed(receipt)
        }
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
    public let answers: Answers
    /// The organizer's reason, for `declined` (nil when none was given).
    public let declineReason: String?
    /// The competition's, for showing its times.
    public let timeZone: TimeZoneName

    public init(
        registrationId: UUID, status: RegistrationStatus, position: Int? = nil, registeredAt: Date, competitionId: UUID,
        competitionTitle: String, regDeadline: Date, startDate: Date, answers: Answers = Answers(), declineReason: String? = nil,
        timeZone: TimeZoneName = .utc
    ) {
        self.registrationId = registrationId
        self.status = status
        self.position = position
        self.registeredAt = registeredAt
        self.competitionId = competitionId
        self.competitionTitle = competitionTitle
        self.regDeadline = regDeadline
        self.startDate = startDate
        self.answers = answers
        self.declineReason = declineReason
        self.timeZone = timeZone
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
    public let answers: Answers
    public let declineReason: String?

    public init(
        registrationId: UUID, status: RegistrationStatus, registeredAt: Date, userId: UUID, name: String, email: String,
        deliveryFailed: Bool = false, answers: Answers = Answers(), declineReason: String? = nil
    ) {
        self.deliveryFailed = deliveryFailed
        self.registrationId = registrationId
        self.status = status
        self.registeredAt = registeredAt
        self.userId = userId
        self.name = name
        self.email = email
        self.answers = answers
        self.declineReason = declineReason
    }
}

/// What a competition's registration needs to know before the store is asked: whose it is,
/// and its form.
public struct CompetitionForm: Sendable, Equatable {
    public let competitionId: UUID
    public let organizerId: UUID
    public let regDeadline: Date
    public let form: RegistrationForm

    public init(competitionId: UUID, organizerId: UUID, regDeadline: Date, form: RegistrationForm) {
        self.competitionId = competitionId
        self.organizerId = organizerId
        self.regDeadline = regDeadline
        self.form = form
    }
}

/// What changing answers came to.
public enum AnswersChange: Sendable, Equatable {
    case changed(registrationId: UUID)
    case notRegistered
    case closed
}
