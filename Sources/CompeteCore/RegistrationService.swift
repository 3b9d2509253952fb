import Foundation

/// Registering for and cancelling competitions.
public struct RegistrationService: Sendable {
    let registrations: any RegistrationStore
    let idempotency: IdempotencyService
    let effects: Effects
    /// Spends each user's registrations-per-minute budget; nil: no cap.
    let limiter: RateLimiter?
    /// Told how every registration attempt ended, however it came in (metrics).
    let observe: @Sendable (Result<Idempotent<RegistrationOutcome>, any Error>) -> Void

    public init(
        registrations: any RegistrationStore, idempotency: IdempotencyService, effects: Effects, limiter: RateLimiter? = nil,
        observe: @escaping @Sendable (Result<Idempotent<RegistrationOutcome>, any Error>) -> Void = { _ in }
    ) {
        self.registrations = registrations
        self.idempotency = idempotency
        self.effects = effects
        self.limiter = limiter
        self.observe = observe
    }

    /// Claims a seat or a waitlist place for `principal`, once per idempotency key.
    ///
    /// Every attempt that reaches the store spends one of the user's registrations per minute
    /// (seat hoarding: one script, many competitions), refusals included. The budget is spent
    /// inside the idempotent work, before the store claims the key; a replayed answer, a reused
    /// key (422) and a duplicate in flight (409) get it back when the claim fails (and when the
    /// budget is exhausted, the key's stored answer still comes first): they do no work. An attempt refused by the budget stores
    /// nothing and releases its key, so the same key may be retried after `Retry-After`.
    ///
    /// The submission is checked against the competition's form inside the work (by the store,
    /// with the seat claim), after a replay would have answered: a refused form (400) stores
    /// nothing and frees the key.
    public func register(
        _ principal: Principal, competitionId: UUID, submission: FormSubmission = FormSubmission(),
        idempotency call: IdempotencyCall? = nil
    ) async throws -> Idempotent<RegistrationOutcome> {
        do {
            guard principal.role == .participant else {
                throw DomainError.forbidden("only participants may register for competitions")
            }
            let budget = RateLimiter.Key.registrations(userId: principal.userId)
            let answer = try await idempotency.run(call, userId: principal.userId) { lease in
                if let limiter {
                    try await limiter.spend([(budget, limiter.limits.registrationsPerUser)], now: effects.now())
                }
                do {
                    // The store checks the body against the form it reads with the seat claim; a
                    // missing competition has no form to check: not_found, whatever the body says.
                    return try await registrations.register(
                        userId: principal.userId, competitionId: competitionId, registrationId: effects.makeID(),
                        submission: submission, now: effects.now(), lease: lease
                    )
                } catch {
                    // The key was used before (a replay, a reuse, a duplicate in flight): this
                    // attempt did nothing, so it costs nothing.
                    if case DomainError.idempotencyRequestInProgress = error { await limiter?.refund([budget]) }
                    throw error
                }
            }
            observe(.success(answer))
            return answer
        } catch {
            observe(.failure(error))
            throw error
        }
    }

    public func cancel(_ principal: Principal, competitionId: UUID) async throws -> CancellationReceipt {
        guard let receipt = try await registrations.cancel(
            userId: principal.userId, competitionId: competitionId, now: effects.now()
        ) else { throw DomainError.notRegistered }
        return receipt
    }

    /// A page of the caller's registrations, newest first (at most 100 a page).
    public func mine(_ principal: Principal, page: PageRequest = PageRequest(limit: Self.pageSize)) async throws -> Page<ParticipantRegistration> {
        try await registrations.registrations(userId: principal.userId, page: page.validated(maxLimit: 100))
    }

    /// The caller's registration for one competition that is not cancelled, if any.
    public func mine(_ principal: Principal, competitionId: UUID) async throws -> ParticipantRegistration? {
        try await registrations.activeRegistration(userId: principal.userId, competitionId: competitionId)
    }

    /// The default page size of a participant's registrations.
    public static let pageSize = 50
}
