import CompeteCore
import NIOConcurrencyHelpers
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
        let keys = req.headers[IdempotencyGate.header]
        guard keys.count <= 1 else { throw DomainError.idempotencyKeyInvalid }
        return try await services.registerResponse(
            req, principal: principal, competitionId: try req.uuidParameter("id"), idempotencyKey: keys.first
        )
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

extension APIServices {
    /// 201 for a seat, 202 for a waitlist place, a problem for a refusal.
    @Sendable static func renderRegistration(_ result: Result<RegistrationReceipt, DomainError>) -> StoredResponse {
        let status: HTTPResponseStatus = if case .success(let receipt) = result, receipt.status == .waitlisted { .accepted } else { .created }
        return Problem.render(status: status, RegistrationResponse.init)(result)
    }

    /// Registers `principal` exactly as `POST /api/competitions/{id}/register` does, with an
    /// optional idempotency key, and returns that endpoint's response (the web UI reads it too).
    /// Refusals that are not stored (403, a malformed key) are thrown.
    public func registerResponse(
        _ req: Request, principal: Principal, competitionId: UUID, idempotencyKey: String?
    ) async throws -> Response {
        guard principal.role == .participant else {
            throw DomainError.forbidden("only participants may register for competitions")
        }
        // The outcome as rendered (the last rendering is the one answered); a replay renders nothing.
        let outcome = NIOLockedValueBox("other")
        do {
            let response = try await IdempotencyGate(service: idempotency).run(
                req, principal: principal, key: idempotencyKey,
                render: { result in
                    outcome.withLockedValue { $0 = DomainMetrics.registrationOutcome(result) }
                    return Self.renderRegistration(result)
                }
            ) { recorder in
                try await registrations.register(principal, competitionId: competitionId, recorder: recorder)
            }
            let replayed = response.headers.first(name: "Idempotent-Replayed") == "true"
            DomainMetrics.registration(replayed ? "replayed" : outcome.withLockedValue { $0 })
            return response
        } catch let error as DomainError {
            DomainMetrics.registration(DomainMetrics.registrationOutcome(error))
            throw error
        }
    }
}
