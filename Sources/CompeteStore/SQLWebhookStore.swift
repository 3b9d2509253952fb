import CompeteCore
import Foundation
import SQLKit

/// Subscriptions and their delivery log, for the organizer's API and pages.
public struct SQLWebhookStore: WebhookStore {
    let context: SQLContext

    public init(context: SQLContext) {
        self.context = context
    }

    public func create(_ subscription: WebhookSubscription, secret: String) async throws {
        try await context.sql.raw("""
            INSERT INTO webhook_subscriptions (id, owner_id, url, secret, events, competition_id, enabled, created_at)
            VALUES (\(bind: subscription.id), \(bind: subscription.ownerId), \(bind: subscription.url), \(bind: secret),
                    \(bind: WebhookEventFilter.encode(subscription.events)), \(bind: subscription.competitionId),
                    \(bind: subscription.enabled), \(bind: subscription.createdAt))
            """).run()
    }

    public func subscriptions(ownerId: UUID) async throws -> [WebhookSubscription] {
        try await select("s.owner_id = \(bind: ownerId) ORDER BY s.created_at DESC, s.id")
    }

    public func subscription(id: UUID) async throws -> WebhookSubscription? {
        try await select("s.id = \(bind: id)").first
    }

    private func select(_ condition: SQLQueryString) async throws -> [WebhookSubscription] {
        try await context.sql.raw("""
            SELECT s.id, s.owner_id, s.url, s.events, s.competition_id, s.enabled, s.created_at
            FROM webhook_subscriptions s WHERE \(condition)
            """).all(decoding: SubscriptionRow.self, with: .snakeCase).map(\.subscription)
    }

    /// Its deliveries go with it; a delivery in flight then settles nothing.
    public func delete(id: UUID) async throws -> Bool {
        try await context.transaction { sql in
            try await sql.raw("DELETE FROM webhook_deliveries WHERE subscription_id = \(bind: id)").run()
            return try await sql.raw("DELETE FROM webhook_subscriptions WHERE id = \(bind: id) RETURNING id").first() != nil
        }
    }

    public func deliveries(subscriptionId: UUID, limit: Int) async throws -> [WebhookDelivery] {
        try await context.sql.raw("""
            SELECT d.id, d.event_id, e.type, d.status, d.attempts, d.last_status_code, d.last_error, d.created_at,
                   d.delivered_at, d.next_attempt_at
            FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
            WHERE d.subscription_id = \(bind: subscriptionId)
            ORDER BY d.seq DESC LIMIT \(bind: limit)
            """).all(decoding: DeliveryRow.self, with: .snakeCase).map(\.delivery)
    }

    /// Back to pending, due now, with fresh attempts, and its subscription on again. A delivery
    /// being attempted right now is left to finish (and still counts as accepted).
    public func redeliver(deliveryId: UUID, subscriptionId: UUID, now: Date) async throws -> Bool {
        try await context.transaction { sql in
            guard try await sql.raw("""
                SELECT id FROM webhook_deliveries WHERE id = \(bind: deliveryId) AND subscription_id = \(bind: subscriptionId)
                """).first() != nil else { return false }
            try await sql.raw("UPDATE webhook_subscriptions SET enabled = \(bind: true) WHERE id = \(bind: subscriptionId)").run()
            try await sql.raw("""
                UPDATE webhook_deliveries SET status = \(bind: WebhookDeliveryStatus.pending.rawValue), attempts = 0,
                    next_attempt_at = \(bind: now), delivered_at = NULL, updated_at = \(bind: now)
                WHERE id = \(bind: deliveryId) AND (locked_until IS NULL OR locked_until < \(bind: now))
                """).run()
            return true
        }
    }
}

private struct SubscriptionRow: Decodable {
    let id: UUID
    let ownerId: UUID
    let url: String
    let events: String
    let competitionId: UUID?
    let enabled: Bool
    let createdAt: Date

    var subscription: WebhookSubscription {
        WebhookSubscription(
            id: id, ownerId: ownerId, url: url, events: WebhookEventFilter.decode(events), competitionId: competitionId,
            enabled: enabled, createdAt: createdAt
        )
    }
}

private struct DeliveryRow: Decodable {
    let id: UUID
    let eventId: UUID
    let type: String
    let status: String
    let attempts: Int
    let lastStatusCode: Int?
    let lastError: String?
    let createdAt: Date
    let deliveredAt: Date?
    let nextAttemptAt: Date

    var delivery: WebhookDelivery {
        let status = WebhookDeliveryStatus(rawValue: status) ?? .pending
        return WebhookDelivery(
            id: id, eventId: eventId, type: type, status: status, attempts: attempts, lastStatusCode: lastStatusCode,
            lastError: lastError, createdAt: createdAt, deliveredAt: deliveredAt, nextAttemptAt: status == .pending ? nextAttemptAt : nil
        )
    }
}
