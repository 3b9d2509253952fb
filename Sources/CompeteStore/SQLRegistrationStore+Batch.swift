import CompeteCore
import CompeteJobs
import Foundation
import Metrics
import SQLKit

// Group commit (issue 18): the registrations of one competition that arrive while a write for
// it is in flight are written together by the next one — one transaction, one lock of the
// competition's row, one commit for all of them — and each gets the answer it would have had
// alone. docs/architecture.md, "Group commit".
extension SQLRegistrationStore {
    /// A registration waiting in `GroupCommit` to be written, as it was asked for.
    struct Pending: Sendable {
        let id: UUID
        let userId: UUID
        let competitionId: UUID
        let submission: FormSubmission
        let now: Date
        let lease: IdempotencyLease?

        /// The registration to write, with its answers as the form accepted them.
        func entry(_ answers: Answers) -> Entry {
            Entry(id: id, userId: userId, competitionId: competitionId, answers: answers, now: now)
        }
    }

    /// The most registrations one transaction writes.
    static let maxBatch = 64

    private static let batches = Counter(label: "registration_batches_total")
    private static let batched = Counter(label: "registration_batched_total")
    private static let fallbacks = Counter(label: "registration_batch_fallbacks_total")

    /// `GroupCommit`'s write: a batch of one alone; a larger batch in one transaction, and if
    /// that fails (one member's key stored meanwhile by another instance, its lease lost, any
    /// error) each member alone, so each gets its own answer and the others are not held back.
    static func write(_ batch: [Pending], context: SQLContext, hints: NoSeatHints) async -> [Result<RegistrationOutcome, any Error>] {
        var results: [Result<RegistrationOutcome, any Error>]
        if batch.count > 1, let together = try? await registerTogether(batch, context: context) {
            batches.increment()
            batched.increment(by: batch.count)
            results = together
        } else {
            if batch.count > 1 { fallbacks.increment() }
            results = []
            for pending in batch {
                results.append(await Result { try await registerAlone(pending, context: context, hints: hints) })
            }
        }
        for (pending, result) in zip(batch, results) {
            if case .success(let outcome) = result { hints.learn(outcome, competitionId: pending.competitionId) }
        }
        return results
    }

    /// One registration: on PostgreSQL a free seat in one statement (unless the competition was
    /// just found without one) — for a competition without a form, which that statement
    /// requires, and a submission that answers none —, else the transaction of a batch of one.
    private static func registerAlone(_ pending: Pending, context: SQLContext, hints: NoSeatHints) async throws -> RegistrationOutcome {
        if context.flavor == .postgres, !hints.skipsSeatPath(pending.competitionId, now: pending.now),
           let answers = try? RegistrationForm().validate(pending.submission),
           let receipt = try await seatAlone(pending.entry(answers), lease: pending.lease, context: context) {
            return .confirmed(receipt)
        }
        guard let result = try await registerTogether([pending], context: context).first else { throw GroupCommitError.unanswered }
        return try result.get()
    }

    /// The one-statement seat path, autocommitted outside any transaction: it moves the
    /// counters as much as a transaction does, so the catalog version moves on after it too.
    private static func seatAlone(_ entry: Entry, lease: IdempotencyLease?, context: SQLContext) async throws -> RegistrationReceipt? {
        defer { context.competitionsChanged() }
        return try await registerSeat(entry, lease: lease, on: context.sql)
    }

    /// The batch's transaction: lock the competition's row, read its counters and form and
    /// which of the batch's users are registered already, check every member's submission
    /// against the form (a refused one gets its validation error and takes no part), decide the
    /// others in arrival order (`SeatPlan`), then write the counters once, the registrations,
    /// their outbox rows, their webhook events and every stored outcome by multi-row
    /// statements. Throws (rolling all of it back) if any outcome could not be stored.
    static func registerTogether(_ batch: [Pending], context: SQLContext) async throws -> [Result<RegistrationOutcome, any Error>] {
        guard let competitionId = batch.first?.competitionId else { return [] }
        let flavor = context.flavor
        return try await context.transaction(touchingCompetitions: true) { sql in
            let row = try await sql.raw("""
                SELECT registered_count, capacity, waitlist_count, waitlist_capacity, waitlist_tail, opens_at, time_zone,
                       questions, rules, requires_approval, CASE WHEN reg_deadline <= \(unsafeRaw: flavor.now) THEN 1 ELSE 0 END AS closed,
                       CASE WHEN team_max IS NULL THEN 0 ELSE 1 END AS teams
                FROM competitions WHERE id = \(bind: competitionId)\(unsafeRaw: flavor.forNoKeyUpdate)
                """).first(decoding: LockedCompetitionRow.self, with: .snakeCase)
            // A key that exists already answers first (replay, 422, 409), as it would before any
            // work; a refused form then stores nothing, so its fresh claim is let go again.
            let claimed = try await SQLIdempotencyStore.claim(batch.map(\.lease), on: sql)
            guard let row else {
                let outcomes = claimed.map { $0.map { _ in RegistrationOutcome.refused(.notFound) } }
                try await storeOutcomes(outcomes, under: claimed, on: sql)
                return outcomes
            }
            let form = row.form
            let answers = batch.map { pending in Result(catching: { try form.validate(pending.submission) }) }
            let keys = zip(claimed, answers).map { key, answers in key.flatMap { key in answers.map { _ in key } } }
            try await SQLIdempotencyStore.release(zip(claimed, answers).compactMap { key, answers in
                guard case .success(let lease?) = key, case .failure = answers else { return nil }
                return lease
            }, on: sql)
            let registered = try await sql.raw("""
                SELECT user_id FROM registrations
                WHERE competition_id = \(bind: competitionId) AND user_id IN \(SQLQueryString.list(batch.map(\.userId)))
                  AND status <> \(bind: RegistrationStatus.cancelled.rawValue)
                """).all(decodingColumn: "user_id", as: UUID.self)
            var plan = SeatPlan(row.competition, registered: Set(registered))
            let decisions = batch.indices.map { index -> Result<(Entry, SeatPlan.Decision), any Error> in
                keys[index].flatMap { _ in answers[index] }.map { answers in
                    (batch[index].entry(answers), plan.decide(SeatPlan.Request(
                        userId: batch[index].userId, now: batch[index].now, awaitingApproval: form.requiresApproval
                    )))
                }
            }
            if plan.seats + plan.waitlisted + plan.pending > 0 {
                try await sql.raw("""
                    UPDATE competitions SET registered_count = registered_count + \(bind: plan.seats),
                        waitlist_count = waitlist_count + \(bind: plan.waitlisted), waitlist_tail = waitlist_tail + \(bind: plan.waitlisted),
                        pending_count = pending_count + \(bind: plan.pending)
                    WHERE id = \(bind: competitionId)
                    """).run()
            }
            let outcomes = try await writePlaces(decisions, on: sql)
            try await storeOutcomes(outcomes, under: keys, on: sql)
            return outcomes
        }
    }

    /// Inserts the registrations that got a place, with their messages and events, and returns
    /// every member's answer.
    private static func writePlaces(
        _ members: [Result<(Entry, SeatPlan.Decision), any Error>], on sql: any SQLDatabase
    ) async throws -> [Result<RegistrationOutcome, any Error>] {
        var rows: [SQLQueryString] = []
        var messages: [Outbox.Message] = []
        var events: [WebhookEvent] = []
        var latest = Date.distantPast
        let outcomes = members.map { member -> Result<RegistrationOutcome, any Error> in
            let entry: Entry, decision: SeatPlan.Decision
            switch member {
            case .success(let planned): (entry, decision) = planned
            case .failure(let refusedForm): return .failure(refusedForm)
            }
            switch decision {
            case .refused(let reason): return .success(.refused(reason))
            case .seat, .waitlist, .approval: break
            }
            let (status, position, sequence): (RegistrationStatus, Int?, Int?) = switch decision {
            case .waitlist(let place, let seq): (.waitlisted, place, seq)
            case .approval: (.pending, nil, nil)
            default: (.confirmed, nil, nil)
            }
            latest = max(latest, entry.now)
            rows.append("""
                (\(bind: entry.id), \(bind: entry.competitionId), \(bind: entry.userId), \(bind: status.rawValue), \(bind: entry.now),
                 \(bind: sequence), \(bind: entry.answers.canonicalJSON))
                """)
            let payload = RegistrationJobPayload(registrationId: entry.id, competitionId: entry.competitionId, userId: entry.userId)
            switch status {
            case .confirmed: messages.append(Outbox.Message(type: .registrationConfirmation, payload: payload, now: entry.now))
            case .pending: messages.append(Outbox.Message(type: .registrationPending, payload: payload, now: entry.now))
            default: break
            }
            let type: WebhookEventType = switch status {
            case .confirmed: .registrationConfirmed
            case .pending: .registrationPending
            default: .registrationWaitlisted
            }
            events.append(.registration(
                type, registrationId: entry.id, competitionId: entry.competitionId, userId: entry.userId,
                status: status, position: position, at: entry.now
            ))
            if case .seat(last: true) = decision { events.append(.competitionFull(entry.competitionId, at: entry.now)) }
            return .success(RegistrationOutcome(RegistrationReceipt(
                registrationId: entry.id, competitionId: entry.competitionId, status: status, position: position,
                registeredAt: entry.now
            )))
        }
        // No ON CONFLICT: under the competition's lock nobody else adds a registration to it,
        // and the batch's own users were checked; a violation means a bug, and aborts it all.
        try await SQLRows.insert(
            into: "registrations (id, competition_id, user_id, status, created_at, waitlist_seq, answers)", rows, on: sql
        )
        try await Outbox.enqueue(messages, on: sql)
        try await Outbox.publish(events, now: latest, on: sql)
        return outcomes
    }

    /// Stores each answered member's outcome under the key the batch claimed for it.
    private static func storeOutcomes(
        _ outcomes: [Result<RegistrationOutcome, any Error>], under keys: [Result<IdempotencyLease?, any Error>],
        on sql: any SQLDatabase
    ) async throws {
        let stored = try zip(keys, outcomes).compactMap { key, result -> (IdempotencyLease, StoredOutcome)? in
            guard case .success(let lease?) = key, case .success(let outcome) = result else { return nil }
            return (lease, try StoredOutcome(outcome))
        }
        guard !stored.isEmpty else { return }
        try await SQLIdempotencyStore.complete(stored, on: sql)
    }
}

/// The competition's row as a batch reads it, locked.
private struct LockedCompetitionRow: Decodable {
    let questions: String
    let rules: String?
    let requiresApproval: Int
    let registeredCount: Int
    let capacity: Int
    let waitlistCount: Int
    let waitlistCapacity: Int
    let waitlistTail: Int
    let opensAt: Date?
    let timeZone: String
    let closed: Int
    let teams: Int

    var competition: SeatPlan.Competition {
        SeatPlan.Competition(
            registeredCount: registeredCount, capacity: capacity, waitlistCount: waitlistCount,
            waitlistCapacity: waitlistCapacity, waitlistTail: waitlistTail, closed: closed == 1, opensAt: opensAt,
            timeZone: CompetitionRow.zone(timeZone), teams: teams == 1
        )
    }

    var form: RegistrationForm {
        RegistrationForm(questions: CompetitionRow.decodeQuestions(questions), rules: rules, requiresApproval: requiresApproval != 0)
    }
}

extension Result where Failure == any Error {
    /// The result of an async throwing body.
    init(_ body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
