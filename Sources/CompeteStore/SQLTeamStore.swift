import CompeteCore
import CompeteJobs
import Foundation
import SQLKit

/// Teams in SQL. A team takes its seat with the same conditional update on the competition's
/// counter as a registration (`claimPlace`), grows with a conditional update on its own `size`
/// (`size < team_max`), and each member's registration row carries `team_id`, so the unique
/// index on active registrations keeps a participant out of two teams of one competition.
public struct SQLTeamStore: TeamStore {
    let context: SQLContext

    public init(context: SQLContext) {
        self.context = context
    }

    public func create(
        _ new: NewTeam, userId: UUID, competitionId: UUID, now: Date, lease: IdempotencyLease?
    ) async throws -> TeamOutcome {
        let dbNow = context.flavor.now
        return try await context.transaction(touchingCompetitions: true) { sql in
            var outcome: TeamOutcome
            if let place = try await SQLRegistrationStore.claimPlace(
                competitionId: competitionId, dbNow: dbNow, now: now, byTeam: true, on: sql
            ) {
                outcome = try await Self.insertTeam(new, userId: userId, competitionId: competitionId, place: place, now: now, on: sql)
                if case .refused = outcome {
                    try await SQLRegistrationStore.releasePlace(place, competitionId: competitionId, on: sql)
                }
            } else {
                outcome = .refused(try await SQLRegistrationStore.diagnose(
                    userId: userId, competitionId: competitionId, dbNow: dbNow, now: now, byTeam: true, on: sql
                ))
            }
            if let lease {
                try await SQLIdempotencyStore.complete(lease, with: try StoredOutcome(outcome), on: sql)
            }
            return outcome
        }
    }

    /// The team row (its name unique among the competition's live teams) and the captain's
    /// registration; either refusal leaves nothing behind but the place, which the caller gives back.
    private static func insertTeam(
        _ new: NewTeam, userId: UUID, competitionId: UUID, place: SQLRegistrationStore.Place, now: Date, on sql: any SQLDatabase
    ) async throws -> TeamOutcome {
        let (status, sequence): (TeamStatus, Int?)
        switch place {
        case .seat: (status, sequence) = (.confirmed, nil)
        case .waitlist(_, let seq): (status, sequence) = (.waitlisted, seq)
        }
        // As for registrations, the conflict target's predicate is the index's (M016), as a literal.
        guard try await sql.raw("""
            INSERT INTO teams (id, competition_id, name, name_key, status, captain_id, invite_code, size, waitlist_seq, created_at)
            VALUES (\(bind: new.teamId), \(bind: competitionId), \(bind: new.name), \(bind: new.name.lowercased()),
                    \(bind: status.rawValue), \(bind: userId), \(bind: new.inviteCode), 1, \(bind: sequence), \(bind: now))
            ON CONFLICT (competition_id, name_key) WHERE status <> \(literal: TeamStatus.cancelled.rawValue) DO NOTHING
            RETURNING id
            """).first() != nil else { return .refused(.nameTaken) }
        guard try await insertMember(
            registrationId: new.registrationId, teamId: new.teamId, userId: userId, competitionId: competitionId,
            status: status, answers: new.answers, now: now, on: sql
        ) else {
            try await sql.raw("DELETE FROM teams WHERE id = \(bind: new.teamId)").run()
            return .refused(.registration(.alreadyRegistered))
        }
        guard let team = try await TeamRows.find(id: new.teamId, on: sql) else { throw DomainError.notFound }
        try await Outbox.publish(.team(
            .teamCreated, teamId: team.id, competitionId: competitionId, userId: userId, registrationId: new.registrationId,
            status: status, position: team.position, at: now
        ), now: now, on: sql)
        return status == .confirmed ? .team(team) : .waitlisted(team)
    }

    /// The member's registration, confirmed with its confirmation message when the team holds a
    /// seat; false when they already have an active registration in the competition.
    private static func insertMember(
        registrationId: UUID, teamId: UUID, userId: UUID, competitionId: UUID, status: TeamStatus, answers: Answers, now: Date,
        on sql: any SQLDatabase
    ) async throws -> Bool {
        let registration: RegistrationStatus = status == .confirmed ? .confirmed : .waitlisted
        guard try await sql.raw("""
            INSERT INTO registrations (id, competition_id, user_id, status, created_at, waitlist_seq, team_id, answers)
            VALUES (\(bind: registrationId), \(bind: competitionId), \(bind: userId), \(bind: registration.rawValue), \(bind: now),
                    NULL, \(bind: teamId), \(bind: answers.canonicalJSON))
            ON CONFLICT (competition_id, user_id) WHERE status <> \(literal: RegistrationStatus.cancelled.rawValue) DO NOTHING
            RETURNING id
            """).first() != nil else { return false }
        if registration == .confirmed {
            try await Outbox.enqueue(
                .registrationConfirmation,
                RegistrationJobPayload(registrationId: registrationId, competitionId: competitionId, userId: userId),
                now: now, on: sql
            )
        }
        return true
    }

    public func join(
        inviteCode: String, userId: UUID, registrationId: UUID, answers: Answers, now: Date, lease: IdempotencyLease?
    ) async throws -> TeamOutcome {
        let dbNow = context.flavor.now
        return try await context.transaction { sql in
            let outcome = try await Self.join(
                inviteCode: inviteCode, userId: userId, registrationId: registrationId, answers: answers, now: now, dbNow: dbNow, on: sql
            )
            if let lease {
                try await SQLIdempotencyStore.complete(lease, with: try StoredOutcome(outcome), on: sql)
            }
            return outcome
        }
    }

    private static func join(
        inviteCode: String, userId: UUID, registrationId: UUID, answers: Answers, now: Date, dbNow: String, on sql: any SQLDatabase
    ) async throws -> TeamOutcome {
        // The conditional update is the check: its row lock serialises joins of one team, and
        // it grows the team only below the competition's maximum and before the deadline.
        guard let target = try await sql.raw("""
            SELECT id, competition_id FROM teams
            WHERE invite_code = \(bind: inviteCode) AND status <> \(bind: TeamStatus.cancelled.rawValue)
            """).first(decoding: TeamTargetRow.self, with: .snakeCase) else { return .refused(.registration(.notFound)) }
        guard let status = try await sql.raw("""
            UPDATE teams SET size = size + 1
            WHERE id = \(bind: target.id) AND status <> \(bind: TeamStatus.cancelled.rawValue)
              AND size < (SELECT c.team_max FROM competitions c WHERE c.id = teams.competition_id AND c.reg_deadline > \(unsafeRaw: dbNow))
            RETURNING status
            """).first(decodingColumn: "status", as: String.self).flatMap(TeamStatus.init(rawValue:)) else {
            return .refused(try await whyNotJoined(target, userId: userId, dbNow: dbNow, on: sql))
        }
        guard status != .cancelled, try await insertMember(
            registrationId: registrationId, teamId: target.id, userId: userId, competitionId: target.competitionId,
            status: status, answers: answers, now: now, on: sql
        ) else {
            try await sql.raw("UPDATE teams SET size = size - 1 WHERE id = \(bind: target.id)").run()
            return .refused(.registration(.alreadyRegistered))
        }
        try await Outbox.enqueue(
            .teamMemberJoined,
            RegistrationJobPayload(registrationId: registrationId, competitionId: target.competitionId, userId: userId),
            now: now, on: sql
        )
        guard let team = try await TeamRows.find(id: target.id, on: sql) else { throw DomainError.notFound }
        try await Outbox.publish(.team(
            .teamMemberJoined, teamId: team.id, competitionId: team.competitionId, userId: userId, registrationId: registrationId,
            status: status, position: team.position, at: now
        ), now: now, on: sql)
        return .team(team)
    }

    /// Why the team did not grow: the caller is already in a team of it, the team was cancelled
    /// meanwhile, rosters are locked, else it is full.
    private static func whyNotJoined(
        _ target: TeamTargetRow, userId: UUID, dbNow: String, on sql: any SQLDatabase
    ) async throws -> TeamRejection {
        guard let row = try await sql.raw("""
            SELECT CASE WHEN t.status = \(bind: TeamStatus.cancelled.rawValue) THEN 1 ELSE 0 END AS cancelled,
                   CASE WHEN c.reg_deadline <= \(unsafeRaw: dbNow) THEN 1 ELSE 0 END AS closed,
                   CASE WHEN EXISTS (
                       SELECT 1 FROM registrations r
                       WHERE r.competition_id = c.id AND r.user_id = \(bind: userId)
                         AND r.status <> \(bind: RegistrationStatus.cancelled.rawValue)
                   ) THEN 1 ELSE 0 END AS already
            FROM teams t JOIN competitions c ON c.id = t.competition_id WHERE t.id = \(bind: target.id)
            """).first(decoding: JoinDiagnosisRow.self, with: .snakeCase), row.cancelled == 0 else {
            return .registration(.notFound)
        }
        if row.already == 1 { return .registration(.alreadyRegistered) }
        if row.closed == 1 { return .registration(.closed) }
        return .teamFull
    }

    public func find(id: UUID) async throws -> Team? {
        try await TeamRows.find(id: id, on: context.sql)
    }

    public func find(inviteCode: String) async throws -> Team? {
        guard let id = try await context.sql.raw("""
            SELECT id FROM teams WHERE invite_code = \(bind: inviteCode) AND status <> \(bind: TeamStatus.cancelled.rawValue)
            """).first(decodingColumn: "id", as: UUID.self) else { return nil }
        return try await find(id: id)
    }

    public func change(
        id: UUID, now: Date, _ decide: @escaping @Sendable (Team) throws -> TeamChange
    ) async throws -> Team? {
        let flavor = context.flavor
        return try await context.transaction(touchingCompetitions: true) { sql in
            guard let competitionId = try await sql.raw("""
                SELECT competition_id FROM teams WHERE id = \(bind: id)
                """).first(decodingColumn: "competition_id", as: UUID.self) else { return nil }
            // The competition first, then the team: the order every change of seats takes. Not
            // FOR UPDATE: a join holding the team's row inserts a registration whose foreign-key
            // check needs KEY SHARE on the competition, and FOR UPDATE would deadlock with it.
            try await sql.raw("""
                SELECT id FROM competitions WHERE id = \(bind: competitionId)\(unsafeRaw: flavor.forNoKeyUpdate)
                """).run()
            try await sql.raw("SELECT id FROM teams WHERE id = \(bind: id)\(unsafeRaw: flavor.forUpdate)").run()
            guard let team = try await TeamRows.find(id: id, on: sql) else { return nil }
            switch try decide(team) {
            case .removeMember(let userId):
                try await Self.remove(userId, from: team, now: now, flavor: flavor, on: sql)
            case .captain(let userId):
                try await sql.raw("UPDATE teams SET captain_id = \(bind: userId) WHERE id = \(bind: id)").run()
            case .inviteCode(let code):
                try await sql.raw("UPDATE teams SET invite_code = \(bind: code) WHERE id = \(bind: id)").run()
            case .cancel:
                try await Self.cancel(team, now: now, flavor: flavor, on: sql)
            }
            return try await TeamRows.find(id: id, on: sql)
        }
    }

    private static func remove(_ userId: UUID, from team: Team, now: Date, flavor: SQLFlavor, on sql: any SQLDatabase) async throws {
        guard let registrationId = try await sql.raw("""
            UPDATE registrations SET status = \(bind: RegistrationStatus.cancelled.rawValue), cancelled_at = \(bind: now)
            WHERE team_id = \(bind: team.id) AND user_id = \(bind: userId) AND status <> \(bind: RegistrationStatus.cancelled.rawValue)
            RETURNING id
            """).first(decodingColumn: "id", as: UUID.self) else { throw DomainError.notAMember }
        try await sql.raw("UPDATE teams SET size = size - 1 WHERE id = \(bind: team.id)").run()
        try await Outbox.publish(.team(
            .teamMemberLeft, teamId: team.id, competitionId: team.competitionId, userId: userId, registrationId: registrationId,
            status: team.status, at: now
        ), now: now, on: sql)
        if userId != team.captainId {
            try await Outbox.enqueue(
                .teamMemberLeft,
                RegistrationJobPayload(registrationId: registrationId, competitionId: team.competitionId, userId: userId),
                now: now, on: sql
            )
        }
        if team.size == 1 {
            // The last member left: the team is over, and its seat goes on.
            try await cancel(team, now: now, flavor: flavor, on: sql)
        }
    }

    /// Cancels the team and its members' registrations, gives back its seat (promoting the
    /// first waitlisted team) or its waitlist place, and tells every member (`message`). The
    /// conditional update makes it happen once: false when the team was no longer `team.status`.
    @discardableResult
    static func cancel(
        _ team: Team, now: Date, flavor: SQLFlavor, message: JobType = .registrationCancellation, on sql: any SQLDatabase
    ) async throws -> Bool {
        guard team.status != .cancelled, try await sql.raw("""
            UPDATE teams SET status = \(bind: TeamStatus.cancelled.rawValue), cancelled_at = \(bind: now), waitlist_seq = NULL
            WHERE id = \(bind: team.id) AND status = \(bind: team.status.rawValue)
            RETURNING id
            """).first() != nil else { return false }
        try await Outbox.publish(.team(.teamCancelled, teamId: team.id, competitionId: team.competitionId, status: .cancelled, at: now),
                                 now: now, on: sql)
        let members = try await sql.raw("""
            UPDATE registrations SET status = \(bind: RegistrationStatus.cancelled.rawValue), cancelled_at = \(bind: now)
            WHERE team_id = \(bind: team.id) AND status <> \(bind: RegistrationStatus.cancelled.rawValue)
            RETURNING id, user_id
            """).all(decoding: TeamMemberRegistrationRow.self, with: .snakeCase)
        for member in members {
            try await Outbox.enqueue(
                message,
                RegistrationJobPayload(registrationId: member.id, competitionId: team.competitionId, userId: member.userId),
                now: now, on: sql
            )
        }
        let counter = team.status == .confirmed ? "registered_count" : "waitlist_count"
        try await sql.raw("""
            UPDATE competitions SET \(unsafeRaw: counter) = \(unsafeRaw: counter) - 1 WHERE id = \(bind: team.competitionId)
            """).run()
        if team.status == .confirmed {
            try await Waitlist.promote(competitionId: team.competitionId, now: now, flavor: flavor, on: sql)
        }
        return true
    }
}

private struct TeamTargetRow: Decodable {
    let id: UUID
    let competitionId: UUID
}

private struct JoinDiagnosisRow: Decodable {
    let cancelled: Int
    let closed: Int
    let already: Int
}
