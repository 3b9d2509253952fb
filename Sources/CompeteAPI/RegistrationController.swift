import CompeteCore
import Vapor

struct RegistrationController: RouteCollection {
    let services: APIServices

    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.signedIn(services.tokens)
        signedIn.post("competitions", ":id", "register", use: register)
        signedIn.delete("competitions", ":id", "register", use: cancel)
        signedIn.get("users", "me", "registrations", use: mine)
    }

    @Sendable func register(_ req: Request) async throws -> Response {
        let answer = try await services.registrations.register(
            try req.principal, competitionId: try req.uuidParameter("id"), idempotency: try req.idempotencyCall()
        )
        return .registration(answer)
    }

    @Sendable func cancel(_ req: Request) async throws -> Response {
        let receipt = try await services.registrations.cancel(try req.principal, competitionId: try req.uuidParameter("id"))
        return .json(CancellationResponse(registrationId: receipt.registrationId.wire, status: receipt.status))
    }

    @Sendable func mine(_ req: Request) async throws -> Response {
        let page = try req.pageRequest(defaultLimit: RegistrationService.pageSize)
        let registrations = try await services.registrations.mine(try req.principal, page: page)
        return .json(PageResponse(page: registrations, MyRegistrationResponse.init))
    }
}
