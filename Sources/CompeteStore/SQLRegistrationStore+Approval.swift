import CompeteCore
import CompeteJobs
import Foundation
import SQLKit

// The organizer's two decisions on a registration waiting for approval (it enters `pending`
// with the other registrations, `SQLRegistrationStore+Batch.swift`). Each decision happens in
// one function here (`approve`, `declined`), so what accompanies it — the participant's message
// and the webhook event — is written in one place, in the transaction that makes the change.
extension SQLRegistrationStore {
    public func decide(
        competitionId: UUID, registrationId: UUID, _ decision: RegistrationDecision, now: Date
    ) async throws -> DecisionOutcome {
        let flavor = context.flavor
        return try await context.transaction(touchingCompetitions: true) { sql in
            // The competition's lock first: every change to its seats and waitlist queues here.
            guard try await sql.raw("""
                SELECT id FROM competitions WHERE id = \(bind: competitionId)\(unsafeRaw: flavor.forUpdate)
                """).first() != nil else { return .notFound }
            guard let row = try await sql.raw("""
                SELECT id, user_id, status, created_at, decline_reason, waitlist_seq FROM registrations
                WHERE id = \(bind: registrationId) AND competition_id = \(bind: competitionId)
                """).first(decoding: DecisionRow.self, with: .snakeCase) else { return .notFound }
            let status = RegistrationStatus(rawValue: row.status) ?? .cancelled
            switch (decision, status) {
            case (.approve, .pending):
                return try await Self.approve(row, competitionId: competitionId, now: now, on: sql)
            case (.approve, .confirmed):
                return .decided(row.receipt(competitionId, .confirmed))
            case (.approve, .waitlisted):
                let position = try await Self.waitlistPosition(row, competitionId: competitionId, on: sql)
                return .decided(row.receipt(competitionId, .waitlisted, position: position))
            case (.decline(let reason), .pending):
                return try await Self.declined(row, competitionId: competitionId, reason: reason, now: now, on: sql)
            case (.decline, .declined):
                return .decided(row.receipt(competitionId, .declined))
            default:
                return .notPending
            }
        }
    }

    /// Approval claims a seat under the same conditional update as registering (no deadline:
    /// organizers decide after it too), else a waitlist place; else nothing changes.
    private static func approve(
        _ row: DecisionRow, competitionId: UUID, now: Date, on sql: any SQLDatabase
    ) async throws -> DecisionOutcome {
        let payload = RegistrationJobPayload(registrationId: row.id, competitionId: competitionId, userId: row.userId)
        if let seat = try await sql.raw("""
            UPDATE competitions SET registered_count = registered_count + 1, pending_count = pending_count - 1
            WHERE id = \(bind: competitionId) AND registered_count < capacity
            RETURNING registered_count, capacity
            """).first(decoding: SeatClaimRow.self, with: .snakeCase) {
            try await setStatus(.confirmed, of: row.id, sequence: nil, now: now, on: sql)
            try await Outbox.enqueue(.registrationConfirmation, payload, now: now, on: sql)
            try await Outbox.publish(.registration(
                .registrationConfirmed, registrationId: row.id, competitionId: competitionId, userId: row.userId,
                status: .confirmed, at: now
            ), now: now, on: sql)
            if seat.registeredCount == seat.capacity {
                try await Outbox.publish(.competitionFull(competitionId, at: now), now: now, on: sql)
            }
            return .decided(row.receipt(competitionId, .confirmed))
        }
        guard let place = try await sql.raw("""
            UPDATE competitions SET waitlist_count = waitlist_count + 1, waitlist_tail = waitlist_tail + 1,
                pending_count = pending_count - 1
            WHERE id = \(bind: competitionId) AND registered_count >= capacity AND waitlist_count < waitlist_capacity
            RETURNING waitlist_count, waitlist_tail
            """).first(decoding: WaitlistPlaceRow.self, with: .snakeCase) else { return .full }
        try await setStatus(.waitlisted, of: row.id, sequence: place.waitlistTail, now: now, on: sql)
        try await Outbox.enqueue(.registrationWaitlisted, payload, now: now, on: sql)
        try await Outbox.publish(.registration(
            .registrationWaitlisted, registrationId: row.id, competitionId: competitionId, userId: row.userId,
            status: .waitlisted, position: place.waitlistCount, at: now
        ), now: now, on: sql)
        return .decided(row.receipt(competitionId, .waitlisted, position: place.waitlistCount))
    }

    /// A pending registration is declined; the reason goes into the participant's message.
    private static func declined(
        _ row: DecisionRow, competitionId: UUID, reason: String?, now: Date, on sql: any SQLDatabase
    ) async throws -> DecisionOutcome {
        try await sql.raw("""
            UPDATE competitions SET pending_count = pending_count - 1 WHERE id = \(bind: competitionId)
            """).run()
        try await sql.raw("""
            UPDATE registrations SET status = \(bind: RegistrationStatus.declined.rawValue), decline_reason = \(bind: reason),
                decided_at = \(bind: now)
            WHERE id = \(bind: row.id)
            """).run()
        let payload = RegistrationJobPayload(registrationId: row.id, competitionId: competitionId, userId: row.userId)
        try await Outbox.enqueue(.registrationDeclined, payload, now: now, on: sql)
        try await Outbox.publish(.registration(
            .registrationDeclined, registrationId: row.id, competitionId: competitionId, userId: row.userId,
            status: .declined, at: now
        ), now: now, on: sql)
        return .decided(row.receipt(competitionId, .declined, reason: reason))
    }

    private static func setStatus(
        _ status: RegistrationStatus, of id: UUID, sequence: Int?, now: Date, on sql: any SQLDatabase
    ) async throws {
        try await sql.raw("""
            UPDATE registrations SET status = \(bind: status.rawValue), waitlist_seq = \(bind: sequence), decided_at = \(bind: now)
            WHERE id = \(bind: id)
            """).run()
    }

    private static func waitlistPosition(_ row: DecisionRow, competitionId: UUID, on sql: any SQLDatabase) async throws -> Int? {
        guard let sequence = row.waitlistSeq else { return nil }
        return try await sql.raw("""
            SELECT COUNT(*) AS n FROM registrations
            WHERE competition_id = \(bind: competitionId) AND status = \(bind: RegistrationStatus.waitlisted.rawValue)
              AND waitlist_seq <= \(bind: sequence)
            """).first(decodingColumn: "n", as: Int.self)
    }
}

/// A registration an organizer decides on.
struct DecisionRow: Decodable {
    let id: UUID
    let userId: UUID
    let status: String
    let createdAt: Date
    let declineReason: String?
    let waitlistSeq: Int?

    func receipt(_ competitionId: UUID, _ status: RegistrationStatus, position: Int? = nil, reason: String? = nil) -> DecisionReceipt {
        DecisionReceipt(
            registrationId: id, competitionId: competitionId, status: status, position: position,
            registeredAt: createdAt, declineReason: status == .declined ? reason ?? declineReason : nil
        )
    }
}
