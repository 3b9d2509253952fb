import CompeteCore
import Vapor

// The API's rendering of the services' typed outcomes. A replay is the stored outcome rendered
// again by the same deterministic code (sorted keys, exact dates), so it is byte-identical to
// the first answer and differs only by `Idempotent-Replayed: true`.

extension Response {
    /// 201 for a seat, 202 for a waitlist place or a wait for approval, a problem for a refusal.
    static func registration(_ answer: Idempotent<RegistrationOutcome>) -> Response {
        let response: Response = switch answer.outcome {
        case .confirmed(let receipt): .json(RegistrationResponse(receipt), status: .created)
        case .waitlisted(let receipt), .pending(let receipt): .json(RegistrationResponse(receipt), status: .accepted)
        case .refused(let reason): Problem(reason.error).response()
        }
        return response.markedReplayed(answer.replayed)
    }

    /// 201 with the competition as it was created, and its `Location`.
    static func created(_ answer: Idempotent<Created<Competition>>) -> Response {
        let competition = answer.outcome.value
        // Its status as of its creation, so a replay renders the same bytes.
        let response = Response.json(CompetitionResponse(competition, now: competition.createdAt), status: .created)
        response.headers.replaceOrAdd(name: .location, value: SiteURL.apiCompetition(competition.id).path)
        return response.markedReplayed(answer.replayed)
    }

    private func markedReplayed(_ replayed: Bool) -> Response {
        if replayed { headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true") }
        return self
    }
}
