import CompeteCore
import Vapor

/// `/api/webhooks`: an organizer's subscriptions, their delivery log and redelivery. Anyone but
/// the owner gets 404 for a subscription, whatever its id.
struct WebhookController: RouteCollection {
    let services: APIServices

    func boot(routes: any RoutesBuilder) throws {
        let webhooks = routes.grouped("webhooks").signedIn(services.tokens)
        webhooks.post(use: create)
        webhooks.get(use: list)
        webhooks.get(":id", use: show)
        webhooks.delete(":id", use: delete)
        webhooks.get(":id", "deliveries", use: deliveries)
        webhooks.post(":id", "deliveries", ":deliveryId", "redeliver", use: redeliver)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let draft = try APIJSON.decodeBody(WebhookRequest.self, from: req).draft()
        let created = try await services.webhooks.create(by: try req.principal, draft)
        let response = Response.json(WebhookResponse(created.subscription, secret: created.secret), status: .created)
        response.headers.replaceOrAdd(name: .location, value: "/api/webhooks/\(created.subscription.id.wire)")
        return response
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        .json(ItemsResponse(items: try await services.webhooks.list(by: try req.principal).map { WebhookResponse($0) }))
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        .json(WebhookResponse(try await services.webhooks.get(by: try req.principal, id: try req.uuidParameter("id"))))
    }

    @Sendable func delete(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let id = try req.uuidParameter("id")
        let subscription = try await services.webhooks.get(by: principal, id: id)
        try await services.webhooks.delete(by: principal, id: id)
        return .json(WebhookResponse(subscription))
    }

    @Sendable func deliveries(_ req: Request) async throws -> Response {
        let log = try await services.webhooks.deliveries(by: try req.principal, id: try req.uuidParameter("id"))
        return .json(ItemsResponse(items: log.map(WebhookDeliveryResponse.init)))
    }

    @Sendable func redeliver(_ req: Request) async throws -> Response {
        let deliveryId = try req.uuidParameter("deliveryId")
        try await services.webhooks.redeliver(by: try req.principal, id: try req.uuidParameter("id"), deliveryId: deliveryId)
        return .json(RedeliveryResponse(id: deliveryId.wire, status: .pending), status: .accepted)
    }
}
