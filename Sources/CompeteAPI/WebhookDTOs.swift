import CompeteCore
import Foundation

/// `POST /api/webhooks`; every field optional so validation reports all problems at once.
struct WebhookRequest: Decodable {
    var url: String?
    var events: [String]?
    var competitionId: String?

    func draft() throws -> WebhookDraft {
        var competition: UUID?
        if let raw = competitionId {
            guard let id = UUID(uuidString: raw) else { throw DomainError.invalid("competitionId", "must be a competition id (UUID)") }
            competition = id
        }
        var errors: [FieldError] = []
        if url == nil { errors.append(FieldError("url", "is required")) }
        if events == nil { errors.append(FieldError("events", "is required: a list of event types, or [\"*\"]")) }
        guard errors.isEmpty, let url, let events else { throw DomainError.validation(errors) }
        return WebhookDraft(url: url, events: events, competitionId: competition)
    }
}

/// A subscription; `secret` only in the answer that created it. Absent values are `null`.
struct WebhookResponse: Encodable {
    let id: String
    let url: String
    let events: [String]
    let competitionId: String?
    let enabled: Bool
    let createdAt: Date
    let secret: String?

    init(_ subscription: WebhookSubscription, secret: String? = nil) {
        id = subscription.id.wire
        url = subscription.url
        events = subscription.events
        competitionId = subscription.competitionId?.wire
        enabled = subscription.enabled
        createdAt = subscription.createdAt
        self.secret = secret
    }

    private enum CodingKeys: String, CodingKey { case id, url, events, competitionId, enabled, createdAt, secret }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(url, forKey: .url)
        try container.encode(events, forKey: .events)
        try container.encode(competitionId, forKey: .competitionId)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encodeIfPresent(secret, forKey: .secret)
    }
}

/// One entry of the delivery log. Absent values are `null`.
struct WebhookDeliveryResponse: Encodable {
    let id: String
    let eventId: String
    let type: String
    let status: WebhookDeliveryStatus
    let attempts: Int
    let lastStatusCode: Int?
    let lastError: String?
    let createdAt: Date
    let deliveredAt: Date?
    let nextAttemptAt: Date?

    init(_ delivery: WebhookDelivery) {
        id = delivery.id.wire
        eventId = delivery.eventId.wire
        type = delivery.type
        status = delivery.status
        attempts = delivery.attempts
        lastStatusCode = delivery.lastStatusCode
        lastError = delivery.lastError
        createdAt = delivery.createdAt
        deliveredAt = delivery.deliveredAt
        nextAttemptAt = delivery.nextAttemptAt
    }

    private enum CodingKeys: String, CodingKey {
        case id, eventId, type, status, attempts, lastStatusCode, lastError, createdAt, deliveredAt, nextAttemptAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(type, forKey: .type)
        try container.encode(status, forKey: .status)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(lastStatusCode, forKey: .lastStatusCode)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(deliveredAt, forKey: .deliveredAt)
        try container.encode(nextAttemptAt, forKey: .nextAttemptAt)
    }
}

/// The answer to a redelivery request: the delivery is pending again.
struct RedeliveryResponse: Encodable {
    let id: String
    let status: WebhookDeliveryStatus
}
