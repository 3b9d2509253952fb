import CompeteCore
import CompeteJobs
import Foundation
import SQLKit

/// The webhook deliveries as a queue, claimed like jobs: `FOR UPDATE SKIP LOCKED` on
/// PostgreSQL, `BEGIN IMMEDIATE` on SQLite, a lease that brings a delivery back when its worker
/// died. It lives in the database with or without Redis: the rows are written by the changes'
/// own transactions, so there is nothing to relay.
public struct SQLWebhookQueue: WebhookDeliveryQueue {
    let context: SQLContext

    public init(context: SQLContext) {
        self.context = context
    }

    private static let pending = WebhookDeliveryStatus.pending.rawValue

    /// Due deliveries, oldest first, each the head of its subscription's due deliveries and only
    /// for subscriptions with nothing in flight: one attempt at a time per subscription, in order.
    public func claim(limit: Int, now: Date, lease: TimeInterval) async throws -> [WebhookDispatch] {
        let token = UUID()
        let skipLocked = context.flavor == .postgres ? " FOR UPDATE OF d SKIP LOCKED" : ""
        let pending = Self.pending
        return try await context.transaction { sql in
            let ids = try await sql.raw("""
                UPDATE webhook_deliveries SET claim_token = \(bind: token), locked_until = \(bind: now.addingTimeInterval(lease)),
                    attempts = attempts + 1, updated_at = \(bind: now)
                WHERE id IN (
                    SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
                    WHERE d.status = \(bind: pending) AND d.next_attempt_at <= \(bind: now) AND s.enabled = \(bind: true)
                      AND (d.locked_until IS NULL OR d.locked_until < \(bind: now))
                      AND d.seq = (
                          SELECT MIN(e.seq) FROM webhook_deliveries e
                          WHERE e.subscription_id = d.subscription_id AND e.status = \(bind: pending) AND e.next_attempt_at <= \(bind: now)
                      )
                      AND NOT EXISTS (
                          SELECT 1 FROM webhook_deliveries e
                          WHERE e.subscription_id = d.subscription_id AND e.status = \(bind: pending) AND e.locked_until >= \(bind: now)
                      )
                    ORDER BY d.seq LIMIT \(bind: limit)\(unsafeRaw: skipLocked)
                )
                RETURNING id
                """).all(decodingColumn: "id", as: UUID.self)
            guard !ids.isEmpty else { return [] }
            return try await sql.raw("""
                SELECT d.id, d.event_id, e.type, d.subscription_id, s.url, s.secret, e.body, d.attempts
                FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                JOIN webhook_subscriptions s ON s.id = d.subscription_id
                WHERE d.id IN \(SQLQueryString.list(ids)) ORDER BY d.seq
                """).all(decoding: ClaimedDeliveryRow.self, with: .snakeCase).map { $0.dispatch(claimToken: token) }
        }
    }

    public func delivered(_ dispatch: WebhookDispatch, statusCode: Int, now: Date) async throws {
        try await settle(dispatch, status: .delivered, statusCode: statusCode, error: nil, now: now, extra: ", delivered_at = \(bind: now)")
    }

    public func retry(_ dispatch: WebhookDispatch, statusCode: Int?, error: String, at runAt: Date, now: Date) async throws {
        try await settle(dispatch, status: .pending, statusCode: statusCode, error: error, now: now, extra: ", next_attempt_at = \(bind: runAt)")
    }

    public func fail(_ dispatch: WebhookDispatch, statusCode: Int?, error: String, now: Date) async throws {
        try await settle(dispatch, status: .failed, statusCode: statusCode, error: error, now: now)
    }

    public func gone(_ dispatch: WebhookDispatch, now: Date) async throws {
        try await context.transaction { sql in
            try await Self.settle(dispatch, status: .failed, statusCode: 410, error: "410 Gone: subscription disabled", now: now, on: sql)
            try await sql.raw("UPDATE webhook_subscriptions SET enabled = \(bind: false) WHERE id = \(bind: dispatch.subscriptionId)").run()
            try await sql.raw("""
                UPDATE webhook_deliveries SET status = \(bind: WebhookDeliveryStatus.failed.rawValue),
                    last_error = \(bind: "not sent: the subscription was disabled by 410 Gone"), updated_at = \(bind: now)
                WHERE subscription_id = \(bind: dispatch.subscriptionId) AND status = \(bind: Self.pending)
                """).run()
        }
    }

    public func purge(before cutoff: Date) async throws -> Int {
        try await context.transaction { sql in
            let deliveries = try await sql.raw("""
                DELETE FROM webhook_deliveries WHERE status <> \(bind: Self.pending) AND updated_at < \(bind: cutoff) RETURNING id
                """).all().count
            try await sql.raw("""
                DELETE FROM webhook_events WHERE created_at < \(bind: cutoff)
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)
                """).run()
            return deliveries
        }
    }

    private func settle(
        _ dispatch: WebhookDispatch, status: WebhookDeliveryStatus, statusCode: Int?, error: String?, now: Date,
        extra: SQLQueryString = ""
    ) async throws {
        try await Self.settle(dispatch, status: status, statusCode: statusCode, error: error, now: now, extra: extra, on: context.sql)
    }

    /// Conditional on the claim token: a worker whose lease ran out changes nothing.
    private static func settle(
        _ dispatch: WebhookDispatch, status: WebhookDeliveryStatus, statusCode: Int?, error: String?, now: Date,
        extra: SQLQueryString = "", on sql: any SQLDatabase
    ) async throws {
        try await sql.raw("""
            UPDATE webhook_deliveries SET status = \(bind: status.rawValue), last_status_code = \(bind: statusCode),
                last_error = \(bind: error.map { String($0.prefix(500)) }), claim_token = NULL, locked_until = NULL,
                updated_at = \(bind: now)\(extra)
            WHERE id = \(bind: dispatch.id) AND claim_token = \(bind: dispatch.claimToken)
            """).run()
    }
}

private struct ClaimedDeliveryRow: Decodable {
    let id: UUID
    let eventId: UUID
    let type: String
    let subscriptionId: UUID
    let url: String
    let secret: String
    let body: String
    let attempts: Int

    func dispatch(claimToken: UUID) -> WebhookDispatch {
        WebhookDispatch(
            id: id, eventId: eventId, eventType: type, subscriptionId: subscriptionId, url: url, secret: secret, body: body,
            attempts: attempts, claimToken: claimToken
        )
    }
}
