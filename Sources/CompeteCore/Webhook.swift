import Foundation

/// An organizer's subscription: where to send which events of which competitions.
public struct WebhookSubscription: Sendable, Equatable {
    public let id: UUID
    public let ownerId: UUID
    public let url: String
    /// The event types it receives; `["*"]` for all of them.
    public let events: [String]
    /// One competition, or nil for all of the organizer's competitions.
    public let competitionId: UUID?
    /// False once the receiver answered `410 Gone`; redelivering turns it on again.
    public let enabled: Bool
    public let createdAt: Date

    public init(id: UUID, ownerId: UUID, url: String, events: [String], competitionId: UUID?, enabled: Bool, createdAt: Date) {
        self.id = id
        self.ownerId = ownerId
        self.url = url
        self.events = events
        self.competitionId = competitionId
        self.enabled = enabled
        self.createdAt = createdAt
    }
}

/// A subscription just made, with its signing secret: the only time the secret is shown.
public struct CreatedWebhook: Sendable, Equatable {
    public let subscription: WebhookSubscription
    /// `whsec_` + base64 of 32 random bytes (the Standard Webhooks format).
    public let secret: String
}

/// What an organizer asks for when subscribing.
public struct WebhookDraft: Sendable, Equatable {
    public var url: String
    public var events: [String]
    public var competitionId: UUID?

    public init(url: String, events: [String], competitionId: UUID? = nil) {
        self.url = url
        self.events = events
        self.competitionId = competitionId
    }
}

public enum WebhookDeliveryStatus: String, Sendable, Codable {
    case pending, delivered, failed
}

/// One event on its way to one subscription, with how its attempts went.
public struct WebhookDelivery: Sendable, Equatable {
    public let id: UUID
    public let eventId: UUID
    public let type: String
    public let status: WebhookDeliveryStatus
    public let attempts: Int
    public let lastStatusCode: Int?
    public let lastError: String?
    public let createdAt: Date
    public let deliveredAt: Date?
    /// When the next attempt is due, while pending.
    public let nextAttemptAt: Date?

    public init(
        id: UUID, eventId: UUID, type: String, status: WebhookDeliveryStatus, attempts: Int, lastStatusCode: Int?,
        lastError: String?, createdAt: Date, deliveredAt: Date?, nextAttemptAt: Date?
    ) {
        self.id = id
        self.eventId = eventId
        self.type = type
        self.status = status
        self.attempts = attempts
        self.lastStatusCode = lastStatusCode
        self.lastError = lastError
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
        self.nextAttemptAt = nextAttemptAt
    }
}

/// Where subscriptions and their delivery log are kept.
public protocol WebhookStore: Sendable {
    func create(_ subscription: WebhookSubscription, secret: String) async throws
    /// The owner's subscriptions, newest first.
    func subscriptions(ownerId: UUID) async throws -> [WebhookSubscription]
    func subscription(id: UUID) async throws -> WebhookSubscription?
    /// Deletes the subscription and its deliveries; false when there was none.
    func delete(id: UUID) async throws -> Bool
    /// The newest deliveries of a subscription, at most `limit`.
    func deliveries(subscriptionId: UUID, limit: Int) async throws -> [WebhookDelivery]
    /// Sends the delivery again from now with fresh attempts (and turns its subscription back
    /// on); false when the subscription has no such delivery.
    func redeliver(deliveryId: UUID, subscriptionId: UUID, now: Date) async throws -> Bool
}
