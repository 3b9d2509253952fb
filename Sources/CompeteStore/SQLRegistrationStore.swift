import CompeteCore
import CompeteJobs
import Foundation
import SQLKit

public struct SQLRegistrationStore: RegistrationStore {
    let context: SQLContext

    public init(context: SQLContext) {
        self.context = context
    }

    /// One transaction: claim a seat with a conditional UPDATE on the counter (the row lock
    /// serialises concurrent claims; no COUNT(*)), insert the registration (the partial unique
    /// index refuses a second active one), write the outbox row and store the idempotent outcome.
    public func register(
        userId: UUID, competitionId: UUID, registrationId: UUID, now: Date,
        recorder: ResponseRecorder<RegistrationReceipt>?
    ) async throws -> Result<RegistrationReceipt, RegistrationRejection> {
        let dbNow = context.flavor.now
        return try await context.transaction { sql in
            let claimed = try await sql.raw("""
                UPDATE competitions SET registered_count = registered_count + 1
                WHERE id = \(bind: competitionId) AND registered_count < capacity AND reg_deadline > \(unsafeRaw: dbNow)
                RETURNING id
                """).first() != nil

            var outcome: Result<RegistrationReceipt, RegistrationRejection>
            if claimed {
                outcome = try await Self.insertRegistration(
                    id: registrationId, userId: userId, competitionId: competitionId, now: now, on: sql
                )
                if case .failure = outcome {
                    // Already registered: give the seat back within the same transaction.
                    try await sql.raw("""
                        UPDATE competitions SET registered_count = registered_count - 1 WHERE id = \(bind: competitionId)
                        """).run()
                }
            } else {
                outcome = .failure(try await Self.diagnose(userId: userId, competitionId: competitionId, dbNow: dbNow, on: sql))
            }
            if let recorder {
                let rendered = recorder.render(outcome.mapError(\.error))
                try await SQLIdempotencyStore.complete(recorder.lease, with: rendered, on: sql)
            }
            return outcome
        }
    }

    private static func insertRegistration(
        id: UUID, userId: UUID, competitionId: UUID, now: Date, on sql: any SQLDatabase
    ) async throws -> Result<RegistrationReceipt, RegistrationRejection> {
        let inserted = try await sql.raw("""
            INSERT INTO registrations (id, competition_id, user_id, status, created_at)
            VALUES (\(bind: id), \(bind: competitionId), \(bind: userId), 'confirmed', \(bind: now))
            ON CONFLICT (competition_id, user_id) WHERE status <> 'cancelled' DO NOTHING
            RETURNING id
            """).first() != nil
        guard inserted else { return .failure(.alreadyRegistered) }
        try await Outbox.enqueue(
            .registrationConfirmation,
            RegistrationJobPayload(registrationId: id, competitionId: competitionId, userId: userId),
            id: UUID(), now: now, on: sql
        )
        return .success(RegistrationReceipt(registrationId: id, competitionId: competitionId, status: .confirmed, registeredAt: now))
    }

    /// Why the seat claim matched no row: missing, already registered, closed, else full.
    private static func diagnose(
        userId: UUID, competitionId: UUID, dbNow: String, on sql: any SQLDatabase
    ) async throws -> RegistrationRejection {
        guard let row = try await sql.raw("""
            SELECT CASE WHEN c.reg_deadline <= \(unsafeRaw: dbNow) THEN 1 ELSE 0 END AS closed,
                   CASE WHEN EXISTS (
                       SELECT 1 FROM registrations r
                       WHERE r.competition_id = c.id AND r.user_id = \(bind: userId) AND r.status <> 'cancelled'
                   ) THEN 1 ELSE 0 END AS already
            FROM competitions c WHERE c.id = \(bind: competitionId)
            """).first() else { return .notFound }
        if try row.decode(column: "already", as: Int.self) == 1 { return .alreadyRegistered }
        if try row.decode(column: "closed", as: Int.self) == 1 { return .closed }
        return .full
    }

    public func cancel(userId: UUID, competitionId: UUID, now: Date) async throws -> CancellationReceipt? {
        try await context.transaction { sql in
            guard let row = try await sql.raw("""
                UPDATE registrations SET status = 'cancelled', cancelled_at = \(bind: now)
                WHERE competition_id = \(bind: competitionId) AND user_id = \(bind: userId) AND status = 'confirmed'
                RETURNING id
                """).first() else { return nil }
            let registrationId = try row.decode(column: "id", as: UUID.self)
            try await sql.raw("""
                UPDATE competitions SET registered_count = registered_count - 1 WHERE id = \(bind: competitionId)
                """).run()
            try await Outbox.enqueue(
                .registrationCancellation,
                RegistrationJobPayload(registrationId: registrationId, competitionId: competitionId, userId: userId),
                id: UUID(), now: now, on: sql
            )
            return CancellationReceipt(registrationId: registrationId)
        }
    }

    public func registrations(userId: UUID) async throws -> [ParticipantRegistration] {
        try await context.sql.raw("""
            SELECT r.id, r.status, r.created_at, c.id AS competition_id, c.title, c.reg_deadline, c.start_date
            FROM registrations r JOIN competitions c ON c.id = r.competition_id
            WHERE r.user_id = \(bind: userId)
            ORDER BY r.created_at DESC, r.id
            """).all().map { row in
                ParticipantRegistration(
                    registrationId: try row.decode(column: "id", as: UUID.self),
                    status: RegistrationStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .cancelled,
                    registeredAt: try row.decode(column: "created_at", as: Date.self),
                    competitionId: try row.decode(column: "competition_id", as: UUID.self),
                    competitionTitle: try row.decode(column: "title", as: String.self),
                    regDeadline: try row.decode(column: "reg_deadline", as: Date.self),
                    startDate: try row.decode(column: "start_date", as: Date.self)
                )
            }
    }
}
