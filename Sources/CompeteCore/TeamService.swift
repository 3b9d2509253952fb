import Foundation

/// Creating, joining and running teams. Who may do what is decided here; the store applies
/// each change under the team's lock. Anyone who is neither a member nor the competition's
/// organizer learns nothing about a team: every such request answers `notFound`.
public struct TeamService: Sendable {
    let teams: any TeamStore
    /// Where the competition's registration form is read: every member answers it, checked by
    /// the same `RegistrationForm.validate` as an individual registration.
    let registrations: any RegistrationStore
    let idempotency: IdempotencyService
    let effects: Effects

    public init(teams: any TeamStore, registrations: any RegistrationStore, idempotency: IdempotencyService, effects: Effects) {
        self.teams = teams
        self.registrations = registrations
        self.idempotency = idempotency
        self.effects = effects
    }

    public static let maxName = 100

    /// Creates a team with the caller as captain, claiming a seat or a waitlist place, once per key.
    public func create(
        _ principal: Principal, competitionId: UUID, name raw: String?, submission: FormSubmission = FormSubmission(),
        idempotency call: IdempotencyCall? = nil
    ) async throws -> Idempotent<TeamOutcome> {
        try Self.requireParticipant(principal)
        let name = try Self.validName(raw)
        return try await idempotency.run(call, userId: principal.userId) { lease in
            let answers = try await registrations.form(competitionId: competitionId)?.form.validate(submission) ?? Answers()
            return try await teams.create(
                NewTeam(
                    teamId: effects.makeID(), registrationId: effects.makeID(), name: name, inviteCode: Self.newInviteCode(),
                    answers: answers
                ),
                userId: principal.userId, competitionId: competitionId, now: effects.now(), lease: lease
            )
        }
    }

    /// Joins the team whose invite code this is, once per key.
    public func join(
        _ principal: Principal, inviteCode raw: String?, submission: FormSubmission = FormSubmission(),
        idempotency call: IdempotencyCall? = nil
    ) async throws -> Idempotent<TeamOutcome> {
        try Self.requireParticipant(principal)
        let code = try Self.validInviteCode(raw)
        return try await idempotency.run(call, userId: principal.userId) { lease in
            // An unknown code has no form to check: the store answers (and stores) not_found.
            var answers = Answers()
            if let team = try await teams.find(inviteCode: code),
               let form = try await registrations.form(competitionId: team.competitionId)?.form {
                answers = try form.validate(submission)
            }
            return try await teams.join(
                inviteCode: code, userId: principal.userId, registrationId: effects.makeID(), answers: answers,
                now: effects.now(), lease: lease
            )
        }
    }

    /// The team, for its members and its competition's organizer only.
    public func get(_ principal: Principal, id: UUID) async throws -> Team {
        guard let team = try await teams.find(id: id), Self.maySee(principal, team) else { throw DomainError.notFound }
        return team
    }

    /// The team whose invite code this is, as the join page shows it before joining (name,
    /// competition, members); nil for an unknown or cancelled team's code.
    public func invitation(_ principal: Principal, inviteCode raw: String?) async throws -> Team? {
        try Self.requireParticipant(principal)
        guard let code = try? Self.validInviteCode(raw) else { return nil }
        return try await teams.find(inviteCode: code)
    }

    /// A member leaves, or the captain removes one. The captain leaves only a team of one (which
    /// ends it) or after handing over; rosters lock at the deadline.
    public func removeMember(_ principal: Principal, teamId: UUID, userId: UUID) async throws -> Team {
        let now = effects.now()
        return try await change(principal, teamId) { team in
            guard principal.userId == userId || principal.userId == team.captainId else {
                throw DomainError.forbidden("only the member themself or the captain may remove a member")
            }
            guard team.isMember(userId) else { throw DomainError.notAMember }
            guard now < team.regDeadline else { throw DomainError.registrationClosed }
            if userId == team.captainId, team.size > 1 { throw DomainError.captainMustTransfer }
            return .removeMember(userId)
        }
    }

    /// The captain hands the captaincy to another member.
    public func handOver(_ principal: Principal, teamId: UUID, to userId: UUID) async throws -> Team {
        try await change(principal, teamId) { team in
            try Self.requireCaptain(principal, team)
            guard team.isMember(userId) else { throw DomainError.notAMember }
            return .captain(userId)
        }
    }

    /// The captain replaces the invite code; the old one stops working at once.
    public func rotateInviteCode(_ principal: Principal, teamId: UUID) async throws -> Team {
        let code = Self.newInviteCode()
        return try await change(principal, teamId) { team in
            try Self.requireCaptain(principal, team)
            return .inviteCode(code)
        }
    }

    /// The captain disbands the team, or the competition's organizer cancels it; its seat goes
    /// to the first waitlisted team. Cancelling a cancelled team answers it as it is.
    public func cancel(_ principal: Principal, teamId: UUID) async throws -> Team {
        try await change(principal, teamId) { team in
            guard principal.userId == team.organizerId || principal.userId == team.captainId else {
                throw DomainError.forbidden("only the captain or the organizer may cancel a team")
            }
            return .cancel
        }
    }

    /// The deadline sweep, run by every scheduler tick (see `TeamStore.cancelIncompleteTeams`).
    @discardableResult
    public func sweepDeadlines() async throws -> Int {
        try await teams.cancelIncompleteTeams(now: effects.now())
    }

    /// Every change starts from a team the caller may see; anyone else gets `notFound`.
    private func change(_ principal: Principal, _ teamId: UUID, _ decide: @escaping @Sendable (Team) throws -> TeamChange) async throws -> Team {
        let updated = try await teams.change(id: teamId, now: effects.now()) { team in
            guard Self.maySee(principal, team) else { throw DomainError.notFound }
            return try decide(team)
        }
        guard let updated else { throw DomainError.notFound }
        return updated
    }

    static func maySee(_ principal: Principal, _ team: Team) -> Bool {
        principal.userId == team.organizerId || team.isMember(principal.userId)
    }

    private static func requireCaptain(_ principal: Principal, _ team: Team) throws {
        guard team.status != .cancelled else { throw DomainError.notFound }
        guard principal.userId == team.captainId else { throw DomainError.forbidden("only the team's captain may do this") }
    }

    private static func requireParticipant(_ principal: Principal) throws {
        guard principal.role == .participant else { throw DomainError.forbidden("only participants may enter teams") }
    }

    static func validName(_ raw: String?) throws -> String {
        guard let raw else { throw DomainError.invalid("name", "is required") }
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= maxName else { throw DomainError.invalid("name", "must be 1–\(maxName) characters") }
        guard !Text.hasControlCharacters(name, allowing: Text.joiners) else {
            throw DomainError.invalid("name", "must not contain control or invisible formatting characters")
        }
        return name
    }

    /// Codes are upper-case letters and digits; input is trimmed and upper-cased.
    static func validInviteCode(_ raw: String?) throws -> String {
        guard let raw else { throw DomainError.invalid("inviteCode", "is required") }
        let code = raw.trimmingCharacters(in: .whitespaces).uppercased()
        guard (1...64).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw DomainError.invalid("inviteCode", "must be the code from the invitation (letters and digits)")
        }
        return code
    }

    /// 12 characters from 32 unambiguous ones: 60 random bits, unguessable.
    static func newInviteCode() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<12).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }
}
