import CompeteCore
import CompeteJobs
import Foundation
import SQLKit

public struct SQLRegistrationStore: RegistrationStore {
    let context: SQLContext
    private let batcher: GroupCommit<Pending, RegistrationOutcome>

    public init(context: SQLContext) {
        self.context = context
        let hints = NoSeatHints()
        self.batcher = GroupCommit(maxBatch: Self.maxBatch) { batch in
            await Self.write(batch, context: context, hints: hints)
        }
    }

    /// Checks the submission against the form, then claims a seat, else a waitlist place (or,
    /// awaiting approval, a pending place): the counters move under the competition's row lock
    /// (no COUNT(*)), the partial unique index refuses a second active registration, and the
    /// outbox rows, webhook events and the idempotent outcome are written by the same transaction.
    /// Concurrent registrations for one competition are written together (`GroupCommit`,
    /// `SQLRegistrationStore+Batch.swift`); a lone one on PostgreSQL first tries the
    /// one-statement seat path (`registerSeat`).
    public func register(
        userId: UUID, competitionId: UUID, registrationId: UUID, submission: FormSubmission, now: Date,
        lease: IdempotencyLease?
    ) async throws -> RegistrationOutcome {
        let pending = Pending(
            id: registrationId, userId: userId, competitionId: competitionId, submission: submission, now: now, lease: lease
        )
        return try await batcher.submit(pending, to: competitionId)
    }

    /// A registration about to be written.
    struct Entry: Sendable {
        let id: UUID
        let userId: UUID
        let competitionId: UUID
        let answers: Answers
        let now: Date
    }

    /// The seat claim, the one statement that takes a seat: a conditional UPDATE on the counter
    /// whose row lock serialises concurrent claims. `also` adds a condition (the one-statement
    /// path requires its lease row). Returns the competition's id when it took a seat, and its
    /// seats afterwards (taking the last one emits `competition.full`).
    /// `byTeam`: a team claims it (team competitions only); else an individual (others only).
    static func claimSeat(
        competitionId: UUID, dbNow: String, now: Date, byTeam: Bool = false, also condition: SQLQueryString = ""
    ) -> SQLQueryString {
        """
        UPDATE competitions SET registered_count = registered_count + 1
        WHERE id = \(bind: competitionId) AND registered_count < capacity AND reg_deadline > \(unsafeRaw: dbNow)
          AND \(opened(at: now)) AND \(entrant(byTeam: byTeam))\(condition)
        RETURNING id, registered_count, capacity
        """
    }

    /// Registration has opened by `now`: part of every claim, seat or waitlist place, so the
    /// opening costs no extra statement. Judged by the request's clock (the one that stamps
    /// `registeredAt`, so no registration is ever stamped before its opening), unlike the
    /// deadline, which the database's clock judges.
    static func opened(at now: Date) -> SQLQueryString {
        "(opens_at IS NULL OR opens_at <= \(bind: now))"
    }

    /// Teams claim places in team competitions only, individuals in the others only.
    static func entrant(byTeam: Bool) -> SQLQueryString {
        byTeam ? "team_max IS NOT NULL" : "team_max IS NULL"
    }

    /// Where a new team goes (`claimPlace`; individuals are placed by `SeatPlan`, in batches).
    enum Place {
        /// `last`: it was the last free seat.
        case seat(last: Bool)
        case waitlist(position: Int, sequence: Int)
    }

    static func claimPlace(
        competitionId: UUID, dbNow: String, now: Date, byTeam: Bool = false, on sql: any SQLDatabase
    ) async throws -> Place? {
        if let seat = try await sql.raw(claimSeat(competitionId: competitionId, dbNow: dbNow, now: now, byTeam: byTeam))
            .first(decoding: SeatClaimRow.self, with: .snakeCase) {
            return .seat(last: seat.registeredCount == seat.capacity)
        }
        guard let row = try await sql.raw("""
            UPDATE competitions SET waitlist_count = waitlist_count + 1, waitlist_tail = waitlist_tail + 1
            WHERE id = \(bind: competitionId) AND registered_count >= capacity AND waitlist_count < waitlist_capacity
              AND reg_deadline > \(unsafeRaw: dbNow) AND \(opened(at: now)) AND \(entrant(byTeam: byTeam))
            RETURNING waitlist_count, waitlist_tail
            """).first(decoding: WaitlistPlaceRow.self, with: .snakeCase) else { return nil }
        return .waitlist(position: row.waitlistCount, sequence: row.waitlistTail)
    }

    static func releasePlace(_ place: Place, competitionId: UUID, on sql: any SQLDatabase) async throws {
        let column = switch place {
        case .seat: "registered_count"
        case .waitlist: "waitlist_count"
        }
        // The waitlist tail is not rolled back: sequence numbers only need to increase.
        try await sql.raw("""
            UPDATE competitions SET \(unsafeRaw: column) = \(unsafeRaw: column) - 1 WHERE id = \(bind: competitionId)
            """).run()
    }

    /// Why no place could be claimed: missing, entered the other way (by teams or individuals),
    /// already registered, closed, not open yet (by the same clocks as the claim), else full.
    static func diagnose(
        userId: UUID, competitionId: UUID, dbNow: String, now: Date, byTeam: Bool = false, on sql: any SQLDatabase
    ) async throws -> TeamRejection {
        guard let row = try await sql.raw("""
            SELECT CASE WHEN c.team_max IS NULL THEN 0 ELSE 1 END AS teams,
                   CASE WHEN c.reg_deadline <= \(unsafeRaw: dbNow) THEN 1 ELSE 0 END AS closed,
                   CASE WHEN \(opened(at: now)) THEN 0 ELSE 1 END AS not_open, c.opens_at, c.time_zone,
                   CASE WHEN EXISTS (
                       SELECT 1 FROM registrations r
                       WHERE r.competition_id = c.id AND r.user_id = \(bind: userId)
                         AND r.status <> \(bind: RegistrationStatus.cancelled.rawValue)
                   ) THEN 1 ELSE 0 END AS already
            FROM competitions c WHERE c.id = \(bind: competitionId)
            """).first(decoding: DiagnosisRow.self, with: .snakeCase) else { return .registration(.notFound) }
        if (row.teams == 1) != byTeam { return byTeam ? .notTeamCompetition : .registration(.teamRequired) }
        if row.already == 1 { return .registration(.alreadyRegistered) }
        if row.closed == 1 { return .registration(.closed) }
        if row.notOpen == 1, let opensAt = row.opensAt {
            return .registration(.notOpen(opensAt: opensAt, timeZone: CompetitionRow.zone(row.timeZone)))
        }
        return .registration(.full)
    }

    public func cancel(userId: UUID, competitionId: UUID, now: Date) async throws -> CancellationReceipt? {
        let flavor = context.flavor
        return try await context.transaction(touchingCompetitions: true) { sql in
            // Lock the competition first: every change to its seats and waitlist queues here.
            guard try await sql.raw("""
                SELECT id FROM competitions WHERE id = \(bind: competitionId)\(unsafeRaw: flavor.forUpdate)
                """).first() != nil else { return nil }
            guard let active = try await sql.raw("""
                SELECT id, status, team_id FROM registrations
                WHERE competition_id = \(bind: competitionId) AND user_id = \(bind: userId)
                  AND status IN \(SQLQueryString.list(RegistrationStatus.active.map(\.rawValue)))
                """).first(decoding: ActiveRegistrationRow.self, with: .snakeCase) else { return nil }
            // A team member leaves through the team, which owns the seat.
            guard active.teamId == nil else { throw DomainError.teamRequired }
            let registrationId = active.id
            let status = RegistrationStatus(rawValue: active.status) ?? .confirmed
            try await sql.raw("""
                UPDATE registrations SET status = \(bind: RegistrationStatus.cancelled.rawValue), cancelled_at = \(bind: now)
                WHERE id = \(bind: registrationId)
                """).run()
            let counter = switch status {
            case .waitlisted: "waitlist_count"
            case .pending: "pending_count"
            default: "registered_count"
            }
            try await sql.raw("""
                UPDATE competitions SET \(unsafeRaw: counter) = \(unsafeRaw: counter) - 1 WHERE id = \(bind: competitionId)
                """).run()
            try await Outbox.enqueue(
                .registrationCancellation,
                RegistrationJobPayload(registrationId: registrationId, competitionId: competitionId, userId: userId),
                now: now, on: sql
            )
            try await Outbox.publish(.registration(
                .registrationCancelled, registrationId: registrationId, competitionId: competitionId, userId: userId,
                status: .cancelled, at: now
            ), now: now, on: sql)
            if status == .confirmed {
                try await Waitlist.promote(competitionId: competitionId, now: now, flavor: flavor, on: sql)
            }
            return CancellationReceipt(registrationId: registrationId)
        }
    }

    public func registrations(userId: UUID, page: PageRequest) async throws -> Page<ParticipantRegistration> {
        let total = try await context.sql.raw("""
            SELECT COUNT(*) AS n FROM registrations WHERE user_id = \(bind: userId)
            """).first(decodingColumn: "n", as: Int.self) ?? 0
        let items = try await participantRegistrations(
            "r.user_id = \(bind: userId)", limit: "LIMIT \(bind: page.limit) OFFSET \(bind: page.offset)"
        )
        return Page(items: items, page: page.page, limit: page.limit, total: total)
    }

    public func activeRegistration(userId: UUID, competitionId: UUID) async throws -> ParticipantRegistration? {
        try await participantRegistrations(
            """
            r.user_id = \(bind: userId) AND r.competition_id = \(bind: competitionId)
              AND r.status <> \(bind: RegistrationStatus.cancelled.rawValue)
            """, limit: ""
        ).first
    }

    /// A participant's registrations with their competitions, newest first; a waitlisted one
    /// with its current place in line.
    private func participantRegistrations(_ condition: SQLQueryString, limit: SQLQueryString) async throws -> [ParticipantRegistration] {
        try await context.sql.raw("""
            SELECT r.id, r.status, r.created_at, c.id AS competition_id, c.title, c.reg_deadline, c.start_date, c.time_zone,
                   r.answers, r.decline_reason, t.id AS team_id, t.name AS team_name,
                   CASE WHEN r.status = \(bind: RegistrationStatus.waitlisted.rawValue) AND t.id IS NULL THEN (
                       SELECT COUNT(*) FROM registrations w
                       WHERE w.competition_id = r.competition_id AND w.status = \(bind: RegistrationStatus.waitlisted.rawValue)
                         AND w.waitlist_seq <= r.waitlist_seq
                   ) WHEN r.status = \(bind: RegistrationStatus.waitlisted.rawValue) THEN (
                       SELECT COUNT(*) FROM teams w
                       WHERE w.competition_id = r.competition_id AND w.status = \(bind: TeamStatus.waitlisted.rawValue)
                         AND w.waitlist_seq <= t.waitlist_seq
                   ) END AS position
            FROM registrations r JOIN competitions c ON c.id = r.competition_id LEFT JOIN teams t ON t.id = r.team_id
            WHERE \(condition)
            ORDER BY r.created_at DESC, r.id
            \(limit)
            """).all(decoding: ParticipantRegistrationRow.self, with: .snakeCase).map(\.registration)
    }
}
