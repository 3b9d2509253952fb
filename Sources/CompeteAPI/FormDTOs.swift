import CompeteCore
import Foundation

// Wire shapes of API.md "Registration forms".

/// `POST`/`PATCH /api/competitions/{id}/register`: `{answers?, acceptRules?}`, kept as sent so
/// the form rules can name each problem.
struct RegisterRequest: Decodable {
    var answers: JSONValue?
    var acceptRules: JSONValue?

    var submission: FormSubmission { FormSubmission(answers: answers, acceptRules: acceptRules) }
}

/// `POST …/registrations/{registrationId}/decline`: `{reason?}`.
struct DeclineRequest: Decodable {
    var reason: String?
}

/// A registration after the organizer's decision.
struct DecisionResponse: Encodable {
    let registrationId: String
    let competitionId: String
    let status: RegistrationStatus
    let position: Int?
    let registeredAt: Date
    let declineReason: String?

    init(_ r: DecisionReceipt) {
        registrationId = r.registrationId.wire
        competitionId = r.competitionId.wire
        status = r.status
        position = r.position
        registeredAt = r.registeredAt
        declineReason = r.declineReason
    }
}
