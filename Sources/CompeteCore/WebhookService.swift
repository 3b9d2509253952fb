import Foundation

/// Organizers' webhook subscriptions. Only their owner sees or touches one: to anyone else it
/// does not exist (404), so ids reveal nothing.
public struct WebhookService: Sendable {
    let store: any WebhookStore
    let competitions: any CompetitionStore
    let policy: WebhookTargetPolicy
    let effects: Effects

    /// At most this many subscriptions per organizer: each one adds a row to every event's
    /// transaction.
    public static let maxPerOrganizer = 10
    public static let deliveriesPageSize = 100

    public init(store: any WebhookStore, competitions: any CompetitionStore, policy: WebhookTargetPolicy, effects: Effects) {
        self.store = store
        self.competitions = competitions
        self.policy = policy
        self.effects = effects
    }

    public func create(by principal: Principal, _ draft: WebhookDraft) async throws -> CreatedWebhook {
        try CompetitionService.requireOrganizer(principal)
        var errors: [FieldError] = []
        var target: WebhookTarget?
        do { target = try WebhookTarget(draft.url) } catch let DomainError.validation(found) { errors += found }
        let events = Self.normalized(draft.events, errors: &errors)
        if let competitionId = draft.competitionId {
            let competition = try await competitions.find(id: competitionId)
            if competition?.organizerId != principal.userId {
                errors.append(FieldError("competitionId", "must be one of your competitions"))
            }
        }
        if let target, let refusal = await policy.refusal(target, strict: false) {
            errors.append(FieldError("url", refusal))
        }
        guard errors.isEmpty, let target else { throw DomainError.validation(errors) }
        guard try await store.subscriptions(ownerId: principal.userId).count < Self.maxPerOrganizer else {
            throw DomainError.invalid("url", "you already have \(Self.maxPerOrganizer) webhooks; delete one first")
        }
        let subscription = WebhookSubscription(
            id: effects.makeID(), ownerId: principal.userId, url: target.url, events: events,
            competitionId: draft.competitionId, enabled: true, createdAt: effects.now()
        )
        let secret = Self.makeSecret()
        try await store.create(subscription, secret: secret)
        return CreatedWebhook(subscription: subscription, secret: secret)
    }

    public func list(by principal: Principal) async throws -> [WebhookSubscription] {
        try CompetitionService.requireOrganizer(principal)
        return try await store.subscriptions(ownerId: principal.userId)
    }

    public func get(by principal: Principal, id: UUID) async throws -> WebhookSubscription {
        guard let subscription = try await store.subscription(id: id), subscription.ownerId == principal.userId else {
            throw DomainError.notFound
        }
        return subscription
    }

    public func delete(by principal: Principal, id: UUID) async throws {
        _ = try await get(by: principal, id: id)
        guard try await store.delete(id: id) else { throw DomainError.notFound }
    }

    public func deliveries(by principal: Principal, id: UUID) async throws -> [WebhookDelivery] {
        _ = try await get(by: principal, id: id)
        return try await store.deliveries(subscriptionId: id, limit: Self.deliveriesPageSize)
    }

    public func redeliver(by principal: Principal, id: UUID, deliveryId: UUID) async throws {
        _ = try await get(by: principal, id: id)
        guard try await store.redeliver(deliveryId: deliveryId, subscriptionId: id, now: effects.now()) else {
            throw DomainError.notFound
        }
    }

    /// Known types, each once, in the order given; `*` alone means all of them.
    static func normalized(_ events: [String], errors: inout [FieldError]) -> [String] {
        if events == ["*"] { return events }
        guard !events.isEmpty else {
            errors.append(FieldError("events", "must list at least one event type, or [\"*\"] for all"))
            return []
        }
        var seen: [String] = []
        for (index, event) in events.enumerated() {
            guard WebhookEventType(rawValue: event) != nil else {
                errors.append(FieldError("events[\(index)]", "must be one of \(WebhookEventType.allCases.map(\.rawValue).joined(separator: ", ")) or * alone"))
                continue
            }
            if !seen.contains(event) { seen.append(event) }
        }
        return seen
    }

    /// 32 random bytes from the system's generator, in the Standard Webhooks `whsec_` format.
    static func makeSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "whsec_" + Data(bytes).base64EncodedString()
    }
}
