import Foundation

/// Publishing, editing and browsing competitions.
public struct CompetitionService: Sendable {
    let competitions: any CompetitionStore
    let idempotency: IdempotencyService
    let effects: Effects

    public init(competitions: any CompetitionStore, idempotency: IdempotencyService, effects: Effects) {
        self.competitions = competitions
        self.idempotency = idempotency
        self.effects = effects
    }

    /// Publishes a competition, once per idempotency key. Invalid drafts are refused before the
    /// key is stored, so the corrected request may use it again.
    public func create(
        by principal: Principal, _ draft: CompetitionDraft, idempotency call: IdempotencyCall? = nil
    ) async throws -> Idempotent<Created<Competition>> {
        try Self.requireOrganizer(principal)
        let now = effects.now()
        let content = try CompetitionContent.validate(draft, now: now)
        return try await idempotency.run(call, userId: principal.userId) { lease in
            Created(try await competitions.create(
                content, id: effects.makeID(), organizerId: principal.userId, now: now, lease: lease
            ))
        }
    }

    /// What a new competition starts as in the organizer's form: 50 seats, registration open
    /// for a week, the start a day after the deadline, no waitlist.
    public func template(by principal: Principal) throws -> CompetitionDraft {
        try Self.requireOrganizer(principal)
        let deadline = effects.now().addingTimeInterval(7 * 86400)
        return CompetitionDraft(
            title: "", description: "", tags: [], capacity: 50, regDeadline: deadline,
            startDate: deadline.addingTimeInterval(86400), waitlistCapacity: 0
        )
    }

    /// A competition its own organizer is about to edit.
    public func editable(by principal: Principal, id: UUID) async throws -> Competition {
        try Self.requireOrganizer(principal)
        let competition = try await get(id)
        guard competition.organizerId == principal.userId else {
            throw DomainError.forbidden("only the organizer who created this competition may edit it")
        }
        return competition
    }

    public func get(_ id: UUID) async throws -> Competition {
        guard let competition = try await competitions.find(id: id) else { throw DomainError.notFound }
        return competition
    }

    public func list(_ query: CompetitionQuery) async throws -> Page<Competition> {
        try await competitions.list(query.validated(), now: effects.now())
    }

    public func mine(_ principal: Principal, _ query: CompetitionQuery) async throws -> Page<Competition> {
        try Self.requireOrganizer(principal)
        var query = try query.validated()
        query.organizerId = principal.userId
        return try await competitions.list(query, now: effects.now())
    }

    /// Applies a partial update. Only the owning organizer may edit, capacity may not drop below
    /// the seats already taken nor the waitlist below the people waiting, and questions that
    /// have answers stay (`RegistrationForm.checkChange`); all checked under the store's row lock. Raising capacity promotes waitlisted participants in the same transaction.
    public func update(by principal: Principal, id: UUID, _ patch: CompetitionDraft) async throws -> Competition {
        try Self.requireOrganizer(principal)
        let now = effects.now()
        let updated = try await competitions.update(id: id, now: now, readingUsage: patch.questions != nil) { current, usage in
            guard current.organizerId == principal.userId else {
                throw DomainError.forbidden("only the organizer who created this competition may edit it")
            }
            let content = try current.content.applying(patch, now: now)
            if patch.questions != nil {
                try RegistrationForm.checkChange(from: current.form.questions, to: content.form.questions, usage: usage)
            }
            guard content.capacity >= current.registeredCount else {
                throw DomainError.capacityBelowRegistered(registered: current.registeredCount)
            }
            guard content.waitlistCapacity >= current.waitlistCount else {
                throw DomainError.invalid(
                    "waitlistCapacity", "must not be lower than the \(current.waitlistCount) participants already waiting")
            }
            return content
        }
        guard let updated else { throw DomainError.notFound }
        return updated
    }

    static func requireOrganizer(_ principal: Principal) throws {
        guard principal.role == .organizer else { throw DomainError.forbidden("only organizers may do this") }
    }
}
