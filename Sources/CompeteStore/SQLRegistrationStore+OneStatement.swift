import CompeteCore
import CompeteJobs
import FluentKit
import Foundation
import SQLKit

extension SQLRegistrationStore {
    /// PostgreSQL's common case — a free seat in a competition without a form (no questions,
    /// rules or approval: the statement requires it, so the submission must answer nothing) —
    /// in one autocommitted statement: the seat claim, the registration, its outbox row, its webhook events and the stored outcome, so the competition's row
    /// lock is held for one statement and its commit instead of five round trips. Nil when it
    /// changed nothing (no seat, a form, our lease is gone): the transaction then decides and
    /// explains. A second active registration (or, with an external lease, a key stored by
    /// someone else) violates a unique index, which aborts the whole statement, seat included,
    /// and also leaves the answer to the transaction.
    static func registerSeat(_ entry: Entry, lease: IdempotencyLease?, on sql: any SQLDatabase) async throws -> RegistrationReceipt? {
        let (registrationId, userId, competitionId, now) = (entry.id, entry.userId, entry.competitionId, entry.now)
        let receipt = RegistrationReceipt(
            registrationId: registrationId, competitionId: competitionId, status: .confirmed, registeredAt: now
        )
        let payload = try Outbox.encode(
            RegistrationJobPayload(registrationId: registrationId, competitionId: competitionId, userId: userId)
        )
        let confirmed = WebhookEvent.registration(
            .registrationConfirmed, registrationId: registrationId, competitionId: competitionId, userId: userId,
            status: .confirmed, at: now
        )
        // Our pending key row, locked first; without it (lease lost) no seat is claimed.
        var leaseRow: SQLQueryString = ""
        var conditions: SQLQueryString = " AND questions = '[]' AND rules IS NULL AND requires_approval = 0"
        if let lease, !lease.external {
            leaseRow = """
                lease_row AS (
                  SELECT 1 FROM idempotency_keys
                  WHERE user_id = \(bind: lease.userId) AND key = \(bind: lease.key) AND lease_token = \(bind: lease.token)
                    AND outcome IS NULL
                  FOR UPDATE
                ),
                """
            conditions = conditions + " AND EXISTS (SELECT 1 FROM lease_row)"
        }
        let outcome: SQLQueryString = try lease.map {
            SQLIdempotencyStore.store(try StoredOutcome(RegistrationOutcome.confirmed(receipt)), under: $0, after: "box")
        } ?? "SELECT id FROM box"
        do {
            let done = try await !sql.prepared("""
                WITH \(leaseRow) seat AS (
                  \(claimSeat(competitionId: competitionId, dbNow: SQLFlavor.postgres.now, now: now, also: conditions))
                ), reg AS (
                  INSERT INTO registrations (id, competition_id, user_id, status, created_at, waitlist_seq, answers)
                  SELECT \(bind: registrationId), seat.id, \(bind: userId), \(bind: RegistrationStatus.confirmed.rawValue), \(bind: now), NULL,
                         \(bind: entry.answers.canonicalJSON) FROM seat
                  RETURNING id
                ), box AS (
                  INSERT INTO outbox (id, topic, payload, created_at)
                  SELECT \(bind: UUID()), \(bind: JobType.registrationConfirmation.rawValue), \(bind: payload), \(bind: now) FROM reg
                  RETURNING id
                ), \(try Outbox.publishing(confirmed, as: "confirmed", now: now, when: "reg")),
                \(try Outbox.publishing(
                    .competitionFull(competitionId, at: now), as: "full", now: now, when: "seat",
                    "seat.registered_count = seat.capacity AND EXISTS (SELECT 1 FROM reg)"
                ))
                \(outcome)
                """).isEmpty
            return done ? receipt : nil
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return nil
        }
    }
}
