import CompeteCore
import Foundation

/// The rows `SQLRegistrationStore` reads, each decoded whole (see `SQLRowDecoder.snakeCase`).

/// A seat just claimed: the competition's seats after the claim.
struct SeatClaimRow: Decodable {
    let registeredCount: Int
    let capacity: Int
}

/// The waitlist counters after a place was claimed: the new entry's position and sequence.
struct WaitlistPlaceRow: Decodable {
    let waitlistCount: Int
    let waitlistTail: Int
}

/// Why no place was claimed; the flags are `CASE … THEN 1 ELSE 0` integers, which read the same
/// on SQLite and PostgreSQL.
struct DiagnosisRow: Decodable {
    let closed: Int
    let notOpen: Int
    let already: Int
    let opensAt: Date?
    let timeZone: String
}

/// The participant's active registration that a cancellation ends.
struct ActiveRegistrationRow: Decodable {
    let id: UUID
    let status: String
}

/// A registration with its competition, for the participant's own list.
struct ParticipantRegistrationRow: Decodable {
    let id: UUID
    let status: String
    /// The waitlist position, counted in the query; NULL unless waitlisted.
    let position: Int?
    let createdAt: Date
    let competitionId: UUID
    let title: String
    let regDeadline: Date
    let startDate: Date
    let answers: String
    let declineReason: String?
    let timeZone: String

    var registration: ParticipantRegistration {
        ParticipantRegistration(
            registrationId: id, status: RegistrationStatus(rawValue: status) ?? .cancelled, position: position,
            registeredAt: createdAt, competitionId: competitionId, competitionTitle: title,
            regDeadline: regDeadline, startDate: startDate,
            answers: Answers(canonicalJSON: answers) ?? Answers(), declineReason: declineReason,
            timeZone: CompetitionRow.zone(timeZone)
        )
    }
}
