import CompeteCore
import CompeteJobs
import Foundation
import SQLKit

public struct SQLRegistrationStore: RegistrationStore {
    let context: SQLContext
    private let noSeat = NoSeatHints()

    public init(context: SQLContext) {
        self.context = context
    }

    /// One transaction: claim a seat with a conditional UPDATE on the counter (the row lock
    /// serialises concurrent claims; no COUNT(*)); failing that, a waitlist place the same way;
    /// insert the registration (the partial unique index refuses a second active one), write the
    /// outbox row and store the idempotent outcome. On PostgreSQL a free seat is first tried in
    /// one statement (`registerSeat`), unless the competition was just found without one
    /// (`NoSeatHints`); the transaction handles everything else.
    public func register(
        userId: UUID, competitionId: UUID, registrationId: UUID, answers: Answers, awaitingApproval: Bool,
        now: Date, lease: IdempotencyLease?
    ) async throws -> RegistrationOutcome {
        let entry = Entry(id: registrationId, userId: userId, competitionId: competitionId, answers: answers, now: now)
        guard context.flavor == .postgres, !awaitingApproval else {
            return try await registerInTransaction(entry, awaitingApproval: awaitingApproval, lease: lease)
        }
        if !noSeat.skipsSeatPath(competitionId, now: now), let receipt = try await Self.registerSeat(entry, lease: lease, on: context.sql) {
            return .confirmed(receipt)
        }
        let outcome = try await registerInTransaction(entry, awaitingApproval: false, lease: lease)
        switch outcome {
        case .confirmed: noSeat.seatTaken(competitionId)
        case .waitlisted, .refused(.full), .refused(.closed): noSeat.noSeat(competitionId)
        case .refused(.notOpen(let opensAt, _)): noSeat.notOpen(competitionId, until: opensAt)
        case .refused, .pending: break
        }
        return outcome
    }

    /// A registration about to be written.
    struct Entry: Sendable {
        let id: UUID
        let userId: UUID
        let competitionId: UUID
        let answers: Answers
        let now: Date
    }

    private func registerInTransaction(_ entry: Entry, awaitingApproval: Bool, lease: IdempotencyLease?) async throws -> RegistrationOutcome {
        let dbNow = context.flavor.now
        let competitionId = entry.competitionId
        return try await context.transaction(touchingCompetitions: true) { sql in
            var outcome: RegistrationOutcome
            let place = awaitingApproval
                ? try await Self.claimApprovalPlace(competitionId: competitionId, dbNow: dbNow, now: entry.now, on: sql)
                : try await Self.claimPlace(competitionId: competitionId, dbNow: dbNow, now: entry.now, on: sql)
            if let place {
                outcome = try await Self.insertRegistration(entry, place: place, on: sql)
                if case .refused = outcome {
                    // Already registered: give the place back within the same transaction.
                    try await Self.releasePlace(place, competitionId: competitionId, on: sql)
                }
            } else {
                outcome = .refused(try await Self.diagnose(
                    userId: entry.userId, competitionId: competitionId, dbNow: dbNow, now: entry.now, on: sql
                ))
            }
            if let lease {
                try await SQLIdempotencyStore.complete(lease, with: try StoredOutcome(outcome), on: sql)
            }
            return outcome
        }
    }

    /// The seat claim, the one statement that takes a seat: a conditional UPDATE on the counter
    /// whose row lock serialises concurrent claims. `also` adds a condition (the one-statement
    /// path requires its lease row). Returns the competition's id when it took a seat, and its
    /// seats afterwards (taking the last one emits `competition.full`).
    static func claimSeat(competitionId: UUID, dbNow: String, now: Date, also condition: SQLQueryString = "") -> SQLQueryString {
        """
        UPDATE competitions SET registered_count = registered_count + 1
        WHERE id = \(bind: competitionId) AND registered_count < capacity AND reg_deadline > \(unsafeRaw: dbNow)
          AND \(opened(at: now))\(condition)
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

    /// Where a new registration goes.
    enum Place {
        /// `last`: it was the last free seat.
        case seat(last: Bool)
        case waitlist(position: Int, sequence: Int)
        /// No seat: a wait for the organizer's approval (`pending_count`).
        case approval
    }

    private static func claimPlace(competitionId: UUID, dbNow: String, now: Date, on sql: any SQLDatabase) async throws -> Place? {
        if let seat = try await sql.raw(claimSeat(competitionId: competitionId, dbNow: dbNow, now: now))
            .first(decoding: SeatClaimRow.self, with: .snakeCase) {
            return .seat(last: seat.registeredCount == seat.capacity)
        }
        guard let row = try await sql.raw("""
            UPDATE competitions SET waitlist_count = waitlist_count + 1, waitlist_tail = waitlist_tail + 1
            WHERE id = \(bind: competitionId) AND registered_count >= capacity AND waitlist_count < waitlist_capacity
              AND reg_deadline > \(unsafeRaw: dbNow) AND \(opened(at: now))
            RETURNING waitlist_count, waitlist_tail
            """).first(decoding: WaitlistPlaceRow.self, with: .snakeCase) else { return nil }
        return .waitlist(position: row.waitlistCount, sequence: row.waitlistTail)
    }

    private static func releasePlace(_ place: Place, competitionId: UUID, on sql: any SQLDatabase) async throws {
        let column = switch place {
        case .seat: "registered_count"
        case .waitlist: "waitlist_count"
        case .approval: "pending_count"
        }
        // The waitlist tail is not rolled back: sequence numbers only need to increase.
        try await sql.raw("""
            UPDATE competitions SET \(unsafeRaw: column) = \(unsafeRaw: column) - 1 WHERE id = \(bind: competitionId)
            """).run()
    }

    private static func insertRegistration(_ entry: Entry, place: Place, on sql: any SQLDatabase) async throws -> RegistrationOutcome {
        let (id, userId, competitionId, now) = (entry.id, entry.userId, entry.competitionId, entry.now)
        let (status, position, sequence): (RegistrationStatus, Int?, Int?) = switch place {
        case .seat: (.confirmed, nil, nil)
        case .waitlist(let position, let sequence): (.waitlisted, position, sequence)
        case .approval: (.pending, nil, nil)
        }
        // The conflict target names the partial unique index `registrations_active` (M003) by its
        // columns and predicate, and the predicate must match the index's: PostgreSQL cannot infer
        // an index from a bound parameter, so here alone the status is rendered as a literal.
        let inserted = try await sql.raw("""
            INSERT INTO registrations (id, competition_id, user_id, status, created_at, waitlist_seq, answers)
            VALUES (\(bind: id), \(bind: competitionId), \(bind: userId), \(bind: status.rawValue), \(bind: now), \(bind: sequence),
                    \(bind: entry.answers.canonicalJSON))
            ON CONFLICT (competition_id, user_id) WHERE status <> \(literal: RegistrationStatus.cancelled.rawValue) DO NOTHING
            RETURNING id
            """).first() != nil
        guard inserted else { return .refused(.alreadyRegistered) }
        let payload = RegistrationJobPayload(registrationId: id, competitionId: competitionId, userId: userId)
        switch status {
        case .confirmed: try await Outbox.enqueue(.registrationConfirmation, payload, id: UUID(), now: now, on: sql)
        case .pending: try await enteredPending(payload, now: now, on: sql)
        default: break
        }
        if status != .pending {
            // A pending registration's event goes with its other effects, in `enteredPending`.
            try await Outbox.publish(.registration(
                status == .confirmed ? .registrationConfirmed : .registrationWaitlisted, registrationId: id,
                competitionId: competitionId, userId: userId, status: status, position: position, at: now
            ), now: now, on: sql)
        }
        if case .seat(last: true) = place {
            try await Outbox.publish(.competitionFull(competitionId, at: now), now: now, on: sql)
        }
        return RegistrationOutcome(RegistrationReceipt(
            registrationId: id, competitionId: competitionId, status: status, position: position, registeredAt: now
        ))
    }

    /// Why no place could be claimed: missing, already registered, closed, not open yet (by the
    /// same clocks as the claim), else full.
    private static func diagnose(
        userId: UUID, competitionId: UUID, dbNow: String, now: Date, on sql: any SQLDatabase
    ) async throws -> RegistrationRejection {
        guard let row = try await sql.raw("""
            SELECT CASE WHEN c.reg_deadline <= \(unsafeRaw: dbNow) THEN 1 ELSE 0 END AS closed,
                   CASE WHEN \(opened(at: now)) THEN 0 ELSE 1 END AS not_open, c.opens_at, c.time_zone,
                   CASE WHEN EXISTS (
                       SELECT 1 FROM registrations r
                       WHERE r.competition_id = c.id AND r.user_id = \(bind: userId)
                         AND r.status <> \(bind: RegistrationStatus.cancelled.rawValue)
                   ) THEN 1 ELSE 0 END AS already
            FROM competitions c WHERE c.id = \(bind: competitionId)
            """).first(decoding: DiagnosisRow.self, with: .snakeCase) else { return .notFound }
        if row.already == 1 { return .alreadyRegistered }
        if row.closed == 1 { return .closed }
        if row.notOpen == 1, let opensAt = row.opensAt {
            return .notOpen(opensAt: opensAt, timeZone: CompetitionRow.zone(row.timeZone))
        }
        return .full
    }

    public func cancel(userId: UUID, competitionId: UUID, now: Date) async throws -> CancellationReceipt? {
        let flavor = context.flavor
        return try await context.transaction(touchingCompetitions: true) { sql in
            // Lock the competition first: every change to its seats and waitlist queues here.
            guard try await sql.raw("""
                SELECT id FROM competitions WHERE id = \(bind: competitionId)\(unsafeRaw: flavor.forUpdate)
                """).first() != nil else { return nil }
            guard let active = try await sql.raw("""
                SELECT id, status FROM registrations
                WHERE competition_id = \(bind: competitionId) AND user_id = \(bind: userId)
                  AND status IN \(SQLQueryString.list(RegistrationStatus.active.map(\.rawValue)))
                """).first(decoding: ActiveRegistrationRow.self, with: .snakeCase) else { return nil }
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
                id: UUID(), now: now, on: sql
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
                   r.answers, r.decline_reason,
                   CASE WHEN r.status = \(bind: RegistrationStatus.waitlisted.rawValue) THEN (
                       SELECT COUNT(*) FROM registrations w
                       WHERE w.competition_id = r.competition_id AND w.status = \(bind: RegistrationStatus.waitlisted.rawValue)
                         AND w.waitlist_seq <= r.waitlist_seq
                   ) END AS position
            FROM registrations r JOIN competitions c ON c.id = r.competition_id
            WHERE \(condition)
            ORDER BY r.created_at DESC, r.id
            \(limit)
            """).all(decoding: ParticipantRegistrationRow.self, with: .snakeCase).map(\.registration)
    }
}
