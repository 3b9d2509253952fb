import CompeteCore
import FluentKit
import Foundation
import SQLKit

/// Idempotency keys in the same database as the work, after Brandur Leach's design: claim the
/// key with an INSERT before the work, store the outcome in the work's own transaction.
public struct SQLIdempotencyStore: IdempotencyStore, IdempotencyOutcomes {
    let context: SQLContext

    public init(context: SQLContext) {
        self.context = context
    }

    public func begin(_ request: IdempotencyRequest, now: Date, policy: IdempotencyPolicy) async throws -> IdempotencyStart {
        let sql = context.sql
        let key = request.key.value
        let lockedUntil = now.addingTimeInterval(policy.lease)
        // A concurrent purge or takeover can change the row under us; a few rounds settle it.
        for _ in 0..<3 {
            let token = UUID()
            let lease = IdempotencyLease(userId: request.userId, key: key, token: token, fingerprint: request.fingerprint, startedAt: now)
            let claimed = try await !sql.prepared("""
                INSERT INTO idempotency_keys (user_id, key, fingerprint, lease_token, locked_until, created_at)
                VALUES (\(bind: request.userId), \(bind: key), \(bind: request.fingerprint), \(bind: token),
                        \(bind: lockedUntil), \(bind: now))
                ON CONFLICT (user_id, key) DO NOTHING
                RETURNING key
                """).isEmpty
            if claimed { return .started(lease) }

            guard let row = try await sql.raw("""
                SELECT fingerprint, lease_token, locked_until, outcome, created_at
                FROM idempotency_keys WHERE user_id = \(bind: request.userId) AND key = \(bind: key)
                """).first(decoding: KeyRow.self, with: .snakeCase) else { continue }

            if row.createdAt < now.addingTimeInterval(-policy.retention) {
                try await sql.raw("""
                    DELETE FROM idempotency_keys
                    WHERE user_id = \(bind: request.userId) AND key = \(bind: key) AND created_at = \(bind: row.createdAt)
                    """).run()
                continue
            }
            guard row.fingerprint == request.fingerprint else {
                throw DomainError.idempotencyKeyReused
            }
            if let outcome = row.outcome {
                return .replay(StoredOutcome(bytes: [UInt8](outcome)))
            }
            if row.lockedUntil > now {
                throw DomainError.idempotencyRequestInProgress(retryAfterSeconds: 1)
            }
            // The owner's lease ran out (its process most likely died): take the key over.
            let previous = row.leaseToken
            let takenOver = try await sql.raw("""
                UPDATE idempotency_keys SET lease_token = \(bind: token), locked_until = \(bind: lockedUntil)
                WHERE user_id = \(bind: request.userId) AND key = \(bind: key)
                  AND lease_token = \(bind: previous) AND outcome IS NULL
                RETURNING key
                """).first() != nil
            if takenOver { return .started(lease) }
        }
        throw DomainError.idempotencyRequestInProgress(retryAfterSeconds: 1)
    }

    /// Reads and writes nothing: claiming the key here would be a commit of its own — a WAL
    /// flush on PostgreSQL, an fsync and the write lock on SQLite — and reading it a round trip,
    /// for every keyed request. The work's transaction claims the key instead (a batch of
    /// registrations with `claim`, other work by inserting its outcome with `complete`); a key
    /// used before makes the work skip or roll back and answer `idempotencyRequestInProgress`,
    /// and the service then asks `begin`, which replays, refuses or waits as usual (and
    /// `beginIfKnown` when the work refused).
    public func beginDeferringClaim(_ request: IdempotencyRequest, now: Date, policy: IdempotencyPolicy) async throws -> IdempotencyStart {
        .unclaimed(IdempotencyLease(
            userId: request.userId, key: request.key.value, token: UUID(), fingerprint: request.fingerprint,
            startedAt: now, external: true
        ))
    }

    public func beginIfKnown(_ request: IdempotencyRequest, now: Date, policy: IdempotencyPolicy) async throws -> IdempotencyStart? {
        let known = try await context.sql.raw("""
            SELECT 1 AS known FROM idempotency_keys WHERE user_id = \(bind: request.userId) AND key = \(bind: request.key.value)
            """).first() != nil
        return known ? try await begin(request, now: now, policy: policy) : nil
    }

    /// Claims a batch's unclaimed keys inside its transaction: one multi-row INSERT of pending
    /// rows, `ON CONFLICT DO NOTHING`. Per member, in order: no key (nil), the lease now holding
    /// its pending row (no longer external: `complete` updates it), or, for a key that exists
    /// already or came earlier in the batch, `idempotencyRequestInProgress` — that member does
    /// nothing, and the service asks `begin` about its key once the batch has committed.
    /// Leases that hold a row already pass through.
    static func claim(_ leases: [IdempotencyLease?], on sql: any SQLDatabase) async throws -> [Result<IdempotencyLease?, any Error>] {
        var first: [[String]: Int] = [:]
        for (index, lease) in leases.enumerated() {
            if let lease, lease.external, first[[lease.userId.uuidString, lease.key]] == nil {
                first[[lease.userId.uuidString, lease.key]] = index
            }
        }
        var claimed: Set<[String]> = []
        if !first.isEmpty {
            let rows = first.values.sorted().compactMap { leases[$0] }.map { lease -> SQLQueryString in
                """
                (\(bind: lease.userId), \(bind: lease.key), \(bind: lease.fingerprint), \(bind: lease.token), \(bind: lease.startedAt), \(bind: lease.startedAt))
                """
            }
            let inserted = try await sql.raw("""
                INSERT INTO idempotency_keys (user_id, key, fingerprint, lease_token, locked_until, created_at)
                VALUES \(rows.joined(separator: ", "))
                ON CONFLICT (user_id, key) DO NOTHING
                RETURNING user_id, key
                """).all(decoding: ClaimedKeyRow.self, with: .snakeCase)
            claimed = Set(inserted.map { [$0.userId.uuidString, $0.key] })
        }
        return leases.enumerated().map { index, lease in
            guard let lease else { return .success(nil) }
            guard lease.external else { return .success(lease) }
            let id = [lease.userId.uuidString, lease.key]
            guard first[id] == index, claimed.contains(id) else {
                return .failure(DomainError.idempotencyRequestInProgress(retryAfterSeconds: 1))
            }
            return .success(IdempotencyLease(
                userId: lease.userId, key: lease.key, token: lease.token, fingerprint: lease.fingerprint,
                startedAt: lease.startedAt, external: false
            ))
        }
    }

    /// Stores the outcome inside the caller's transaction. If the lease was taken over meanwhile
    /// (or, for an external lease, another request stored the key first), another request owns
    /// the key now: throwing rolls this request's work back.
    static func complete(_ lease: IdempotencyLease, with outcome: StoredOutcome, on sql: any SQLDatabase) async throws {
        try await complete([(lease, outcome)], on: sql)
    }

    /// `complete` for several requests (a batch of registrations) in two statements at most:
    /// one multi-row INSERT for the external leases, one UPDATE for the pending rows. Throws
    /// unless every outcome was stored, so the whole transaction rolls back.
    static func complete(_ outcomes: [(IdempotencyLease, StoredOutcome)], on sql: any SQLDatabase) async throws {
        let inserted = outcomes.filter { $0.0.external }
        let updated = outcomes.filter { !$0.0.external }
        var stored = 0
        do {
            if !inserted.isEmpty {
                let rows = inserted.map { lease, outcome -> SQLQueryString in
                    """
                    (\(bind: lease.userId), \(bind: lease.key), \(bind: lease.fingerprint), \(bind: lease.token), \(bind: lease.startedAt), \(bind: Data(outcome.bytes)), \(bind: lease.startedAt))
                    """
                }
                stored += try await sql.raw("""
                    INSERT INTO idempotency_keys (user_id, key, fingerprint, lease_token, locked_until, outcome, created_at)
                    VALUES \(rows.joined(separator: ", "))
                    RETURNING key
                    """).all().count
            }
            if !updated.isEmpty {
                let values = updated.map { lease, outcome -> SQLQueryString in
                    "WHEN user_id = \(bind: lease.userId) AND key = \(bind: lease.key) THEN \(bind: Data(outcome.bytes))"
                }
                stored += try await sql.raw("""
                    UPDATE idempotency_keys SET outcome = CASE \(values.joined(separator: " ")) END
                    WHERE outcome IS NULL AND \(held(updated.map(\.0)))
                    RETURNING key
                    """).all().count
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            stored = -1
        }
        guard stored == outcomes.count else { throw DomainError.idempotencyRequestInProgress(retryAfterSeconds: 1) }
    }

    /// Storing an outcome as the last part of a one-statement write (a CTE query): the UPDATE of
    /// our pending row, or, for an external lease (no pending row), the INSERT that claims the
    /// key — with no ON CONFLICT, so a key stored first by someone else aborts the whole
    /// statement. It stores, and returns a row, only if the CTE `after` produced one.
    static func store(_ outcome: StoredOutcome, under lease: IdempotencyLease, after cte: String) -> SQLQueryString {
        if lease.external {
            return """
                INSERT INTO idempotency_keys (user_id, key, fingerprint, lease_token, locked_until, outcome, created_at)
                SELECT \(bind: lease.userId), \(bind: lease.key), \(bind: lease.fingerprint), \(bind: lease.token),
                       \(bind: lease.startedAt), \(bind: Data(outcome.bytes)), \(bind: lease.startedAt) FROM \(unsafeRaw: cte)
                RETURNING key
                """
        }
        return """
            UPDATE idempotency_keys SET outcome = \(bind: Data(outcome.bytes))
            WHERE user_id = \(bind: lease.userId) AND key = \(bind: lease.key)
              AND lease_token = \(bind: lease.token) AND outcome IS NULL AND EXISTS (SELECT 1 FROM \(unsafeRaw: cte))
            RETURNING key
            """
    }

    /// Deletes pending rows of `leases` inside the caller's transaction (keys a batch claimed
    /// for work it then refused).
    static func release(_ leases: [IdempotencyLease], on sql: any SQLDatabase) async throws {
        guard !leases.isEmpty else { return }
        try await sql.raw("DELETE FROM idempotency_keys WHERE outcome IS NULL AND \(held(leases))").run()
    }

    /// The pending rows `leases` hold: each one's user, key and our lease token.
    private static func held(_ leases: [IdempotencyLease]) -> SQLQueryString {
        let rows = leases.map { lease -> SQLQueryString in
            "(user_id = \(bind: lease.userId) AND key = \(bind: lease.key) AND lease_token = \(bind: lease.token))"
        }
        return "(\(rows.joined(separator: " OR ")))"
    }

    public func release(_ lease: IdempotencyLease) async throws {
        guard !lease.external else { return }  // no pending row was written
        try await Self.release([lease], on: context.sql)
    }

    public func finished(_ lease: IdempotencyLease) async throws {}

    public func outcome(userId: UUID, key: String) async throws -> IdempotencyOutcome? {
        try await context.sql.raw("""
            SELECT fingerprint, outcome, created_at
            FROM idempotency_keys
            WHERE user_id = \(bind: userId) AND key = \(bind: key) AND outcome IS NOT NULL
            """).first(decoding: FinishedKeyRow.self, with: .snakeCase).map(\.finished)
    }

    public func purge(createdBefore cutoff: Date) async throws -> Int {
        try await context.sql.raw("""
            DELETE FROM idempotency_keys WHERE created_at < \(bind: cutoff) RETURNING key
            """).all().count
    }
}

/// A key a batch claimed.
private struct ClaimedKeyRow: Decodable {
    let userId: UUID
    let key: String
}

/// A key as `begin` finds it when its claim lost: finished (`outcome` set), in flight, or
/// abandoned by a process that died.
private struct KeyRow: Decodable {
    let fingerprint: String
    let leaseToken: UUID
    let lockedUntil: Date
    let outcome: Data?
    let createdAt: Date
}

/// A finished key, as `outcome(userId:key:)` reads it.
private struct FinishedKeyRow: Decodable {
    let fingerprint: String
    let outcome: Data
    let createdAt: Date

    var finished: IdempotencyOutcome {
        IdempotencyOutcome(fingerprint: fingerprint, outcome: StoredOutcome(bytes: [UInt8](outcome)), createdAt: createdAt)
    }
}
