import Foundation

/// A delivery claimed by the lane: everything one attempt needs. `attempts` counts this one;
/// `claimToken` proves the claim, as for jobs.
public struct WebhookDispatch: Sendable, Equatable {
    public let id: UUID
    /// The `webhook-id` header: the same on every attempt and for every subscriber.
    public let eventId: UUID
    public let eventType: String
    public let subscriptionId: UUID
    public let url: String
    /// `whsec_…`.
    public let secret: String
    public let body: String
    public let attempts: Int
    public let claimToken: UUID

    public init(
        id: UUID, eventId: UUID, eventType: String, subscriptionId: UUID, url: String, secret: String, body: String,
        attempts: Int, claimToken: UUID
    ) {
        self.id = id
        self.eventId = eventId
        self.eventType = eventType
        self.subscriptionId = subscriptionId
        self.url = url
        self.secret = secret
        self.body = body
        self.attempts = attempts
        self.claimToken = claimToken
    }
}

/// How one attempt ended.
public enum WebhookAttemptResult: Sendable, Equatable {
    /// The receiver answered with this status.
    case answered(Int)
    /// No answer: refused target, connection error, timeout.
    case failed(String)
}

/// Sends one attempt (signing it) and says how it went; never throws.
public protocol WebhookSender: Sendable {
    func send(_ dispatch: WebhookDispatch, now: Date) async -> WebhookAttemptResult
}

/// Where deliveries wait and are claimed. Settling is conditional on the claim token.
public protocol WebhookDeliveryQueue: Sendable {
    /// Claims up to `limit` due deliveries, at most one per subscription and none of a
    /// subscription that has one in flight (docs/webhooks.md, "Order").
    func claim(limit: Int, now: Date, lease: TimeInterval) async throws -> [WebhookDispatch]
    func delivered(_ dispatch: WebhookDispatch, statusCode: Int, now: Date) async throws
    func retry(_ dispatch: WebhookDispatch, statusCode: Int?, error: String, at runAt: Date, now: Date) async throws
    func fail(_ dispatch: WebhookDispatch, statusCode: Int?, error: String, now: Date) async throws
    /// `410 Gone`: the delivery fails and the subscription is turned off with every pending
    /// delivery it had.
    func gone(_ dispatch: WebhookDispatch, now: Date) async throws
    /// Deletes finished deliveries older than `cutoff`, and events nobody waits for any more.
    func purge(before cutoff: Date) async throws -> Int
}
