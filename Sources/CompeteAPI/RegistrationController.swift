import CompeteCore
import Vapor

struct RegistrationController: RouteCollection {
    let services: APIServices

    func boot(routes: any RoutesBuilder) throws {
        routes.post("competitions", ":id", "register", use: register)
        routes.delete("competitions", ":id", "register", use: cancel)
        routes.get("users", "me", "registrations", use: mine)
    }

    @Sendable func register(_ req: Request) async throws -> Response {
        let principal = try await req.principal(services.tokens)
        guard principal.role == .participant else {
            throw DomainError.forbidden("only participants may register for competitions")
        }
        let competitionId = try req.uuidParameter("id")
        return try await IdempotencyGate(service: services.idempotency).run(
            req, principal: principal, render: Problem.render(status: .created, RegistrationResponse.init)
        ) { recorder in
            try await services.registrations.register(principal, competitionId: competitionId, recorder: recorder)
        }
    }

    @Sendable func cancel(_ req: Request) async throws -> Response {
        let principal = try await req.principal(services.tokens)
        let receipt = try await services.registrations.cancel(principal, competitionId: try req.uuidParameter("id"))
        return .json(CancellationResponse(registrationId: receipt.registrationId.wire, status: receipt.status))
    }

    @Sendable func mine(_ req: Request) async throws -> Response {
        let principal = try await req.principal(services.tokens)
        let registrations = try await services.registrations.mine(principal)
        return .json(ItemsResponse(items: registrations.map(MyRegistrationResponse.init)))
    }
}
