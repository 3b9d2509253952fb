import Foundation

extension RegistrationService {
    /// Replaces the caller's answers until the deadline, checked against the form as it is now
    /// (the rules were accepted on registering).
    public func changeAnswers(_ principal: Principal, competitionId: UUID, submission: FormSubmission) async throws -> ParticipantRegistration {
        guard principal.role == .participant else { throw DomainError.forbidden("only participants register for competitions") }
        guard let competition = try await registrations.form(competitionId: competitionId) else { throw DomainError.notFound }
        // Closed first: answers that can no longer be changed need no corrections. (The store
        // judges the deadline again by the database's clock.)
        guard competition.regDeadline > effects.now() else { throw DomainError.registrationClosed }
        let answers = try competition.form.validate(submission, requireRules: false)
        switch try await registrations.changeAnswers(userId: principal.userId, competitionId: competitionId, answers: answers, now: effects.now()) {
        case .closed: throw DomainError.registrationClosed
        case .notRegistered: throw DomainError.notRegistered
        case .changed:
            guard let mine = try await mine(principal, competitionId: competitionId) else { throw DomainError.notRegistered }
            return mine
        }
    }

    /// The owner approves a pending registration: a seat, else a waitlist place, else 409
    /// `competition_full` (it stays pending). Approving it again answers it as it is.
    public func approve(_ principal: Principal, competitionId: UUID, registrationId: UUID) async throws -> DecisionReceipt {
        try await decide(principal, competitionId: competitionId, registrationId: registrationId, .approve)
    }

    /// The owner declines a pending registration, with an optional reason (≤ 500 characters)
    /// that the participant is sent. Declining it again answers it as it is.
    public func decline(
        _ principal: Principal, competitionId: UUID, registrationId: UUID, reason: String?
    ) async throws -> DecisionReceipt {
        let trimmed = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if trimmed.count > RegistrationDecision.maxReason {
            throw DomainError.invalid("reason", "must be at most \(RegistrationDecision.maxReason) characters")
        }
        if Text.hasControlCharacters(trimmed, allowing: Text.multiLine) {
            throw DomainError.invalid("reason", "must not contain control or invisible formatting characters")
        }
        return try await decide(
            principal, competitionId: competitionId, registrationId: registrationId, .decline(reason: trimmed.isEmpty ? nil : trimmed)
        )
    }

    private func decide(
        _ principal: Principal, competitionId: UUID, registrationId: UUID, _ decision: RegistrationDecision
    ) async throws -> DecisionReceipt {
        guard let competition = try await registrations.form(competitionId: competitionId) else { throw DomainError.notFound }
        guard principal.role == .organizer, competition.organizerId == principal.userId else {
            throw DomainError.forbidden("only the organizer of this competition may decide on its registrations")
        }
        switch try await registrations.decide(competitionId: competitionId, registrationId: registrationId, decision, now: effects.now()) {
        case .decided(let receipt): return receipt
        case .notFound: throw DomainError.notFound
        case .notPending: throw DomainError.registrationNotPending
        case .full: throw DomainError.competitionFull
        }
    }
}
