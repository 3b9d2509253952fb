import CompeteCore
import Foundation
import SQLKit

extension SQLRegistrationStore {
    public func form(competitionId: UUID) async throws -> CompetitionForm? {
        try await context.sql.prepared("""
            SELECT id, organizer_id, reg_deadline, questions, rules, requires_approval FROM competitions
            WHERE id = \(bind: competitionId)
            """).first?.decode(model: FormRow.self, with: .snakeCase).form
    }

    /// One transaction: the active registration and whether registration is still open (by
    /// the database's clock, as registering judges it), then the new answers.
    public func changeAnswers(userId: UUID, competitionId: UUID, answers: Answers, now: Date) async throws -> AnswersChange {
        let dbNow = context.flavor.now
        return try await context.transaction { sql in
            guard let row = try await sql.raw("""
                SELECT r.id, CASE WHEN c.reg_deadline > \(unsafeRaw: dbNow) THEN 1 ELSE 0 END AS open
                FROM registrations r JOIN competitions c ON c.id = r.competition_id
                WHERE r.competition_id = \(bind: competitionId) AND r.user_id = \(bind: userId)
                  AND r.status IN \(SQLQueryString.list(RegistrationStatus.active.map(\.rawValue)))
                """).first(decoding: OpenRegistrationRow.self, with: .snakeCase) else { return .notRegistered }
            guard row.open == 1 else { return .closed }
            try await sql.raw("""
                UPDATE registrations SET answers = \(bind: answers.canonicalJSON) WHERE id = \(bind: row.id)
                """).run()
            return .changed(registrationId: row.id)
        }
    }
}

/// What registering is checked against, from `competitions`.
private struct FormRow: Decodable {
    let id: UUID
    let organizerId: UUID
    let regDeadline: Date
    let questions: String
    let rules: String?
    let requiresApproval: Int

    var form: CompetitionForm {
        CompetitionForm(
            competitionId: id, organizerId: organizerId, regDeadline: regDeadline,
            form: RegistrationForm(
                questions: CompetitionRow.decodeQuestions(questions), rules: rules, requiresApproval: requiresApproval != 0
            )
        )
    }
}

/// An active registration and whether its competition still takes registrations (`CASE`: 1/0).
private struct OpenRegistrationRow: Decodable {
    let id: UUID
    let open: Int
}
