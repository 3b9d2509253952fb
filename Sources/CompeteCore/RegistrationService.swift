import Foundation

/// Registering for and cancelling competitions.
public struct RegistrationService: Sendable {
    let registrations: any RegistrationStore
    let effects: Effects

    public init(registrations: any RegistrationStore, effects: Effects) {
        self.registrations = registrations
        self.effects = effects
    }

    public func register(
        _ principal: Principal, competitionId: UUID, recorder: ResponseRecorder<RegistrationReceipt>? = nil
    ) async throws -> RegistrationReceipt {
        guard principal.role == .participant else {
            throw DomainError.forbidden("only participants may register for competitions")
        }
        let outcome = try await registrations.register(
            userId: principal.userId, competitionId: competitionId, registrationId: effects.makeID(),
            now: effects.now(), recorder: recorder
        )
        switch outcome {
        case .success(let receipt): return receipt
        case .failure(let rejection): throw rejection.error
        }
    }

    public func cancel(_ principal: Principal, competitionId: UUID) async throws -> CancellationReceipt {
        guard let receipt = try await registrations.cancel(
            userId: principal.userId, competitionId: competitionId, now: effects.now()
        ) else { throw DomainError.notRegistered }
        return receipt
    }

    public func mine(_ principal: Principal) async throws -> [ParticipantRegistration] {
        try await registrations.registrations(userId: principal.userId)
    }
}
