import CompeteCore
import Foundation
import SQLKit

/// Webhook events go through the same transactional outbox idea as jobs: written by the
/// transaction of the change, so they exist exactly when it committed. The fan-out happens here,
/// at write time: one `webhook_deliveries` row per enabled subscription that wants the event
/// (docs/webhooks.md says why).
extension Outbox {
    /// Records `event` for its subscribers inside the caller's transaction — the one call a
    /// change needs to emit an event. Costs one indexed read when nobody subscribes.
    static func publish(_ event: WebhookEvent, now: Date, on sql: any SQLDatabase) async throws {
        try await publish([event], now: now, on: sql)
    }

    /// Records several events, in order (a batch of registrations): one subscriber lookup per
    /// event type and competition, then the events and their deliveries by multi-row INSERTs.
    static func publish(_ events: [WebhookEvent], now: Date, on sql: any SQLDatabase) async throws {
        var subscribers: [String: [UUID]] = [:]
        var deliveries: [SQLQueryString] = []
        var written: [SQLQueryString] = []
        for event in events {
            let audience = "\(event.type.rawValue) \(event.data.competitionId)"
            if subscribers[audience] == nil {
                subscribers[audience] = try await sql.raw("""
                    SELECT s.id FROM webhook_subscriptions s WHERE \(subscribed(to: event.type, competitionId: event.data.competitionId))
                    """).all(decodingColumn: "id", as: UUID.self)
            }
            guard let receivers = subscribers[audience], !receivers.isEmpty else { continue }
            written.append(try eventRow(event, now: now))
            deliveries += receivers.map { subscriber -> SQLQueryString in
                """
                (\(bind: UUID()), \(bind: subscriber), \(bind: event.id), \(bind: WebhookDeliveryStatus.pending.rawValue), 0, \(bind: now), \(bind: now), \(bind: now))
                """
            }
        }
        try await SQLRows.insert(into: "webhook_events (id, type, competition_id, body, created_at)", written, on: sql)
        try await SQLRows.insert(
            into: "webhook_deliveries (id, subscription_id, event_id, status, attempts, next_attempt_at, created_at, updated_at)",
            deliveries, on: sql
        )
    }

    private static func eventRow(_ event: WebhookEvent, now: Date) throws -> SQLQueryString {
        "(\(bind: event.id), \(bind: event.type.rawValue), \(bind: event.data.competitionId), \(bind: try event.body()), \(bind: now))"
    }

    /// `INSERT INTO webhook_events …` as a CTE reading from `source` (e.g. `FROM reg WHERE
    /// EXISTS (…)`), for `publishing`.
    static func insertEvent(_ event: WebhookEvent, now: Date, from source: SQLQueryString) throws -> SQLQueryString {
        """
        INSERT INTO webhook_events (id, type, competition_id, body, created_at)
        SELECT \(bind: event.id), \(bind: event.type.rawValue), \(bind: event.data.competitionId), \(bind: try event.body()), \(bind: now) \(source)
        """
    }

    /// The condition on `webhook_subscriptions s` for the subscriptions that receive an event of
    /// `type` about `competitionId`: enabled, the competition's organizer's, for all their
    /// competitions or this one, and listing the type (or `*`).
    static func subscribed(to type: WebhookEventType, competitionId: UUID) -> SQLQueryString {
        """
        s.enabled = \(bind: true)
          AND s.owner_id = (SELECT organizer_id FROM competitions WHERE id = \(bind: competitionId))
          AND (s.competition_id IS NULL OR s.competition_id = \(bind: competitionId))
          AND (s.events = \(bind: WebhookEventFilter.all) OR s.events LIKE \(bind: WebhookEventFilter.pattern(type)) ESCAPE '\\')
        """
    }
}

/// How a subscription's event list is stored: `,a,b,`, or `,*,` for every type.
enum WebhookEventFilter {
    static let all = ",*,"

    static func encode(_ events: [String]) -> String { "," + events.joined(separator: ",") + "," }

    static func decode(_ stored: String) -> [String] { stored.split(separator: ",").map(String.init) }

    /// The LIKE pattern matching lists that name `type`; computed once per type, as every
    /// registration asks for two.
    static func pattern(_ type: WebhookEventType) -> String { patterns[type] ?? "" }

    private static let patterns = Dictionary(uniqueKeysWithValues: WebhookEventType.allCases.map {
        ($0, "%," + SQLCompetitionStore.escapeLike($0.rawValue) + ",%")
    })
}

extension Outbox {
    /// `publish` as common table expressions, for a change made in one PostgreSQL statement:
    /// `<name>_subs`, `<name>_event` and `<name>_deliveries`. The event is written when the CTE
    /// `source` yields a row meeting `condition` and someone subscribes; PostgreSQL runs
    /// data-modifying CTEs whether or not the main query reads them.
    static func publishing(
        _ event: WebhookEvent, as name: String, now: Date, when source: String, _ condition: SQLQueryString = "TRUE"
    ) throws -> SQLQueryString {
        let subs = "\(name)_subs", created = "\(name)_event"
        let guarded: SQLQueryString = """
            FROM \(unsafeRaw: source) WHERE \(condition) AND EXISTS (SELECT 1 FROM \(unsafeRaw: subs))
            """
        return """
            \(unsafeRaw: subs) AS (
              SELECT s.id FROM webhook_subscriptions s WHERE \(subscribed(to: event.type, competitionId: event.data.competitionId))
            ), \(unsafeRaw: created) AS (
              \(try insertEvent(event, now: now, from: guarded))
              RETURNING id
            ), \(unsafeRaw: name)_deliveries AS (
              INSERT INTO webhook_deliveries (id, subscription_id, event_id, status, attempts, next_attempt_at, created_at, updated_at)
              SELECT gen_random_uuid(), \(unsafeRaw: subs).id, \(unsafeRaw: created).id, \(bind: WebhookDeliveryStatus.pending.rawValue), 0,
                     \(bind: now), \(bind: now), \(bind: now)
              FROM \(unsafeRaw: created) CROSS JOIN \(unsafeRaw: subs)
            )
            """
    }
}
