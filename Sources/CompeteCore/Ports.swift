import Foundation

// The storage and infrastructure the services need, as small protocols. CompeteStore implements
// them in SQL; CompeteRedis backs the attempt counters (RateLimit.swift) and the in-flight idempotency locks.

public protocol UserStore: Sendable {
    /// Stores a new user; throws `DomainError.emailTaken` when the email is in use.
    func create(_ user: NewUser) async throws
    func find(id: UUID) async throws -> User?
    /// The user and password hash for a (normalised) email.
    func credentials(email: String) async throws -> (user: User, passwordHash: String)?
}

public protocol CompetitionStore: Sendable {
    /// Inserts the competition and, under `lease`, stores `Created(competition)` as the key's
    /// outcome in the same transaction.
    func create(
        _ content: CompetitionContent, id: UUID, organizerId: UUID, now: Date, lease: IdempotencyLease?
    ) async throws -> Competition
    func find(id: UUID) async throws -> Competition?
    func list(_ query: CompetitionQuery, now: Date) async throws -> Page<Competition>
    /// Locks the competition, lets `change` compute its new content from the current state and,
    /// with `readingUsage`, how its form is used (else an empty `FormUsage`), throwing to
    /// refuse, and writes it. Nil when there is no such competition.
    func update(
        id: UUID, now: Date, readingUsage: Bool,
        _ change: @escaping @Sendable (Competition, FormUsage) throws -> CompetitionContent
    ) async throws -> Competition?
    /// One page of the registrations that are not cancelled (all, or those of one status):
    /// confirmed first (oldest first), then the waitlist in order, then pending, then declined.
    func registrants(competitionId: UUID, status: RegistrationStatus?, page: PageRequest) async throws -> [Registrant]
    /// How many registrations of the competition have this status (counted: use the
    /// competition's counters where they exist).
    func count(competitionId: UUID, status: RegistrationStatus) async throws -> Int
}

public protocol RegistrationStore: Sendable {
    /// Checks `submission` against the competition's form as it reads it with the seat claim
    /// (throwing `DomainError.validation`, having changed nothing, if it is refused); claims a
    /// seat (or, when none is left, a waitlist place), inserts the registration with its
    /// answers and its outbox row, and stores the outcome (a refusal too) under `lease`, all in
    /// one transaction. Throws `idempotencyRequestInProgress`, having changed nothing, when the
    /// lease is lost.
    ///
    /// When the form requires approval it claims nothing: the registration is `pending`
    /// (refused only when the competition is missing, closed or not open yet, or the
    /// participant already has one).
    func register(
        userId: UUID, competitionId: UUID, registrationId: UUID, submission: FormSubmission, now: Date,
        lease: IdempotencyLease?
    ) async throws -> RegistrationOutcome
    /// The competition's owner, deadline and form; nil when there is no such competition.
    func form(competitionId: UUID) async throws -> CompetitionForm?
    /// Replaces the answers of the participant's active registration while registration is open.
    func changeAnswers(userId: UUID, competitionId: UUID, answers: Answers, now: Date) async throws -> AnswersChange
    /// Approves (claiming a seat, else a waitlist place, under the same rule as registering) or
    /// declines a pending registration, with its message, in one transaction. Deciding what
    /// was already decided the same way answers the registration as it is.
    func decide(
        competitionId: UUID, registrationId: UUID, _ decision: RegistrationDecision, now: Date
    ) async throws -> DecisionOutcome
    /// Cancels the active (confirmed, waitlisted or pending) registration; a freed seat goes to the first
    /// waitlisted participant in the same transaction, until the competition starts. Nil when
    /// there is no active registration.
    func cancel(userId: UUID, competitionId: UUID, now: Date) async throws -> CancellationReceipt?
    /// One page of a participant's registrations, newest first, with their total.
    func registrations(userId: UUID, page: PageRequest) async throws -> Page<ParticipantRegistration>
    /// The participant's registration for one competition that is not cancelled (active or
    /// declined), if any.
    func activeRegistration(userId: UUID, competitionId: UUID) async throws -> ParticipantRegistration?
}

public protocol IdempotencyStore: Sendable {
    /// Claims the key or reports the earlier outcome. Throws `idempotencyKeyReused` or
    /// `idempotencyRequestInProgress`.
    func begin(_ request: IdempotencyRequest, now: Date, policy: IdempotencyPolicy) async throws -> IdempotencyStart
    /// Like `begin`, but may leave the key unclaimed and unread (`.unclaimed`): the work's own
    /// transaction then claims it when it stores the outcome, and a key used before makes that
    /// claim fail. Stores where that saves nothing just `begin`.
    func beginDeferringClaim(_ request: IdempotencyRequest, now: Date, policy: IdempotencyPolicy) async throws -> IdempotencyStart
    /// `begin` for a key used before; nil, with nothing written, for a key never seen.
    func beginIfKnown(_ request: IdempotencyRequest, now: Date, policy: IdempotencyPolicy) async throws -> IdempotencyStart?
    /// Forgets an in-flight key whose request ended without a storable outcome.
    func release(_ lease: IdempotencyLease) async throws
    /// The request's outcome is stored: drop whatever marks it as in flight.
    func finished(_ lease: IdempotencyLease) async throws
    /// Deletes outcomes older than the retention period; returns how many.
    func purge(createdBefore: Date) async throws -> Int
}

extension IdempotencyStore {
    public func beginDeferringClaim(_ request: IdempotencyRequest, now: Date, policy: IdempotencyPolicy) async throws -> IdempotencyStart {
        try await begin(request, now: now, policy: policy)
    }

    public func beginIfKnown(_ request: IdempotencyRequest, now: Date, policy: IdempotencyPolicy) async throws -> IdempotencyStart? {
        try await begin(request, now: now, policy: policy)
    }
}

/// The finished outcomes alone, for stores that keep in-flight locks elsewhere (Redis).
public protocol IdempotencyOutcomes: Sendable {
    func outcome(userId: UUID, key: String) async throws -> IdempotencyOutcome?
    func purge(createdBefore: Date) async throws -> Int
}

/// Where logging out is recorded, so that every instance refuses the tokens it ended.
public protocol TokenVersionStore: Sendable {
    /// Moves the user's token generation on (nil when there is no such user).
    func revokeTokens(userId: UUID, now: Date) async throws -> TokenRevocation?
    /// Every revocation stamped after `since`.
    func revocations(since: Date) async throws -> [TokenRevocation]
}

/// Bcrypt, run where it cannot hold up anything else. Either call may throw
/// `temporarilyUnavailable` at once when hashing is saturated, instead of queueing.
public protocol PasswordHasher: Sendable {
    func hash(_ password: String) async throws -> String
    func verify(_ password: String, hash: String) async throws -> Bool
}

/// The clock, identifier and randomness sources, injected so tests are deterministic.
public struct Effects: Sendable {
    public var now: @Sendable () -> Date
    public var makeID: @Sendable () -> UUID
    /// Uniform in 0..<1.
    public var random: @Sendable () -> Double

    public init(
        now: @escaping @Sendable () -> Date = { Date() }, makeID: @escaping @Sendable () -> UUID = { UUID() },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.now = now
        self.makeID = makeID
        self.random = random
    }
}
