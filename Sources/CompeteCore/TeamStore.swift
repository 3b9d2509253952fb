import Foundation

/// Where teams live. Every method that changes a team does it in one transaction, under the
/// same conditional updates as seats: a team never exceeds its maximum and a participant is
/// never in two teams of one competition, whatever races.
public protocol TeamStore: Sendable {
    /// Claims a seat (or a waitlist place) for a new team named `name`, with `userId` as its
    /// captain and first member, and stores the outcome (a refusal too) under `lease`.
    func create(
        _ new: NewTeam, userId: UUID, competitionId: UUID, now: Date, lease: IdempotencyLease?
    ) async throws -> TeamOutcome
    /// Adds `userId` to the live team with `inviteCode` unless it is full, closed, or they are
    /// already in a team of its competition; stores the outcome under `lease`.
    func join(
        inviteCode: String, userId: UUID, registrationId: UUID, answers: Answers, now: Date, lease: IdempotencyLease?
    ) async throws -> TeamOutcome
    func find(id: UUID) async throws -> Team?
    /// The live (not cancelled) team with this invite code.
    func find(inviteCode: String) async throws -> Team?
    /// Locks the team (and its competition), lets `decide` choose a change from its current
    /// state (throwing to refuse), applies it and returns the team afterwards. A cancelled team
    /// frees its seat and promotes the first waitlisted team in the same transaction. Nil when
    /// there is no such team.
    func change(
        id: UUID, now: Date, _ decide: @escaping @Sendable (Team) throws -> TeamChange
    ) async throws -> Team?
    /// Cancels every confirmed team still below its minimum once its competition's deadline has
    /// passed — each exactly once, however many sweeps run at the same time (a conditional
    /// update decides) — tells its members why, and gives its seat to the first complete
    /// waitlisted team until the start. Returns how many teams it cancelled.
    func cancelIncompleteTeams(now: Date) async throws -> Int
}

/// What a new team is made of; ids and the invite code are chosen by the service.
public struct NewTeam: Sendable, Equatable {
    public let teamId: UUID
    public let registrationId: UUID
    public let name: String
    public let inviteCode: String
    /// The captain's answers to the competition's registration form.
    public let answers: Answers

    public init(teamId: UUID, registrationId: UUID, name: String, inviteCode: String, answers: Answers = Answers()) {
        self.answers = answers
        self.teamId = teamId
        self.registrationId = registrationId
        self.name = name
        self.inviteCode = inviteCode
    }
}
