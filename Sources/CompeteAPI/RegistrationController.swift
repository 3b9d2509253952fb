import CompeteCore
import Vapor

struct RegistrationController: RouteCollection {
    let services: APIServices

    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.signedIn(services.tokens)
        signedIn.post("competitions", ":id", "register", use: register)
        signedIn.delete("competitions", ":id", "register", use: cancel)
        signedIn.patch("competitions", ":id", "register", use: changeAnswers)
        signedIn.post("competitions", ":id", "registrations", ":registrationId", "approve", use: approve)
        signedIn.post("competitions", ":id", "registrations", ":registrationId", "decline", use: decline)
        signedIn.get("users", "me", "registrations", use: mine)
    }

    @Sendable func register(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let id = try req.uuidParameter("id")
        let submission = try APIJSON.decodeBody(RegisterRequest.self, from: req).submission
        let answer = try await services.registrations.register(
            principal, competitionId: id, submission: submission, idempotency: try req.idempotencyCall()
        )
        return .registration(answer)
    }

    @Sendable func changeAnswers(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let id = try req.uuidParameter("id")
        let submission = try APIJSON.decodeBody(RegisterRequest.self, from: req).submission
        let registration = try await services.registrations.changeAnswers(principal, competitionId: id, submission: submission)
        return .json(MyRegistrationResponse(registration))
    }

    @Sendable func approve(_ req: Request) async throws -> Response {
        let receipt = try await services.registrations.approve(
            try req.principal, competitionId: try req.uuidParameter("id"), registrationId: try req.uuidParameter("registrationId")
        )
        return .json(DecisionResponse(receipt))
    }

    @Sendable func decline(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let (id, registrationId) = (try req.uuidParameter("id"), try req.uuidParameter("registrationId"))
        let reason = try APIJSON.decodeBody(DeclineRequest.self, from: req).reason
        let receipt = try await services.registrations.decline(principal, competitionId: id, registrationId: registrationId, reason: reason)
        return .json(DecisionResponse(receipt))
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
