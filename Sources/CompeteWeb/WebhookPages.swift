import CompeteAPI
import CompeteCore
import Vapor

/// The organizer's webhooks: add one (its secret shown once), list and delete them, read a
/// subscription's delivery log and redeliver. Plain forms with the site's CSRF token.
struct WebhookPages: RouteCollection {
    let services: APIServices
    let renderer: PageRenderer
    let session: WebSession

    func boot(routes: any RoutesBuilder) throws {
        let webhooks = routes.grouped("organizer", "webhooks").grouped(SignedInPages(session: session))
        webhooks.get(use: list)
        webhooks.post(use: create)
        webhooks.get(":id", use: show)
        webhooks.post(":id", "delete", use: delete)
        webhooks.post(":id", "deliveries", ":deliveryId", "redeliver", use: redeliver)
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let checked: Bool
    }

    struct Row: Encodable {
        let id: String
        let url: String
        let events: String
        let scope: String
        let enabled: Bool
        let createdAt: String
    }

    struct ListPage: Encodable {
        let rows: [Row]
        let empty: Bool
        let url: String
        let events: [Option]
        let competitions: [Option]
        let errors: [String: String]
        let secret: String?
        let createdURL: String?
    }

    struct Form: Content {
        var url: String?
        var events: [String]?
        var competitionId: String?
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        try await renderList(req, form: Form(), errors: [:])
    }

    /// Created: the same page, with the secret shown this once (never stored in a cookie or URL).
    @Sendable func create(_ req: Request) async throws -> Response {
        let form = (try? req.content.decode(Form.self)) ?? Form()
        let events = form.events ?? []
        let draft = WebhookDraft(
            url: form.url ?? "", events: events.contains("*") ? ["*"] : events,
            competitionId: form.competitionId.flatMap { $0.isEmpty ? nil : UUID(uuidString: $0) }
        )
        do {
            let created = try await services.webhooks.create(by: try req.principal, draft)
            return try await renderList(req, form: Form(), errors: [:], created: created)
        } catch DomainError.validation(let found) {
            var errors: [String: String] = [:]
            for problem in found where errors[Self.field(problem.field)] == nil {
                errors[Self.field(problem.field)] = problem.message
            }
            return try await renderList(req, form: form, errors: errors, status: .badRequest)
        }
    }

    /// `events[2]` and `events` are one field on the page.
    private static func field(_ name: String) -> String {
        name.hasPrefix("events") ? "events" : name
    }

    private func renderList(
        _ req: Request, form: Form, errors: [String: String], created: CreatedWebhook? = nil, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let principal = try req.principal
        let subscriptions = try await services.webhooks.list(by: principal)
        let mine = try await services.competitions.mine(principal, CompetitionQuery(limit: CompetitionQuery.maxLimit)).items
        let titles = Dictionary(mine.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
        let rows = subscriptions.map {
            Row(id: $0.id.uuidString.lowercased(), url: $0.url, events: $0.events == ["*"] ? "all events" : $0.events.joined(separator: ", "),
                scope: $0.competitionId.map { titles[$0] ?? "one competition" } ?? "all my competitions",
                enabled: $0.enabled, createdAt: LocalTime.short($0.createdAt, in: .utc))
        }
        let chosen = Set(form.events ?? [])
        let events = [Option(value: "*", label: "All events", checked: chosen.isEmpty || chosen.contains("*"))]
            + WebhookEventType.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, checked: chosen.contains($0.rawValue)) }
        let competitions = [Option(value: "", label: "All my competitions", checked: (form.competitionId ?? "").isEmpty)]
            + mine.map { Option(value: $0.id.uuidString.lowercased(), label: $0.title, checked: form.competitionId == $0.id.uuidString.lowercased()) }
        let page = ListPage(
            rows: rows, empty: rows.isEmpty, url: form.url ?? "", events: events, competitions: competitions, errors: errors,
            secret: created?.secret, createdURL: created?.subscription.url
        )
        return try await renderer.render(req, "webhooks", title: "Webhooks", page, status: status)
    }

    struct DeliveryRow: Encodable {
        let id: String
        let eventId: String
        let type: String
        let status: String
        let attempts: Int
        let lastStatusCode: String
        let lastError: String
        let createdAt: String
        let when: String
    }

    struct DetailPage: Encodable {
        let id: String
        let url: String
        let enabled: Bool
        let events: String
        let deliveries: [DeliveryRow]
        let empty: Bool
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let subscription = try await services.webhooks.get(by: principal, id: try req.uuidParameter("id"))
        let log = try await services.webhooks.deliveries(by: principal, id: subscription.id)
        let rows = log.map { delivery in
            DeliveryRow(
                id: delivery.id.uuidString.lowercased(), eventId: delivery.eventId.uuidString.lowercased(), type: delivery.type, status: delivery.status.rawValue,
                attempts: delivery.attempts, lastStatusCode: delivery.lastStatusCode.map(String.init) ?? "—",
                lastError: delivery.lastError ?? "", createdAt: LocalTime.short(delivery.createdAt, in: .utc),
                when: delivery.deliveredAt.map { "delivered " + LocalTime.short($0, in: .utc) }
                    ?? delivery.nextAttemptAt.map { "next attempt " + LocalTime.short($0, in: .utc) } ?? ""
            )
        }
        let page = DetailPage(
            id: subscription.id.uuidString.lowercased(), url: subscription.url, enabled: subscription.enabled,
            events: subscription.events == ["*"] ? "all events" : subscription.events.joined(separator: ", "),
            deliveries: rows, empty: rows.isEmpty
        )
        return try await renderer.render(req, "webhook", title: "Webhook deliveries", page)
    }

    @Sendable func delete(_ req: Request) async throws -> Response {
        try await services.webhooks.delete(by: try req.principal, id: try req.uuidParameter("id"))
        return Flash(kind: .success, message: "Webhook deleted.").redirect(to: SiteURL.organizerWebhooks.path)
    }

    @Sendable func redeliver(_ req: Request) async throws -> Response {
        let id = try req.uuidParameter("id")
        try await services.webhooks.redeliver(by: try req.principal, id: id, deliveryId: try req.uuidParameter("deliveryId"))
        return Flash(kind: .success, message: "Queued for redelivery.").redirect(to: SiteURL.organizerWebhook(id).path)
    }
}
