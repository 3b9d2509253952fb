import CompeteCore
import Vapor

struct AuthController: RouteCollection {
    let services: APIServices

    func boot(routes: any RoutesBuilder) throws {
        let auth = routes.grouped("auth")
        auth.post("signup", use: signup)
        auth.post("login", use: login)
        auth.signedIn(services.tokens).get("me", use: me)
        auth.signedIn(services.tokens).post("logout", use: logout)
    }

    @Sendable func signup(_ req: Request) async throws -> Response {
        let body = try APIJSON.decodeBody(SignupRequest.self, from: req)
        let user = try await services.auth.signup(
            SignupInput(name: body.name, email: body.email, password: body.password, role: body.role), client: req.clientAddress
        )
        let token = try await services.tokens.issue(for: user)
        return .json(SessionResponse(token: token, user: UserResponse(user)), status: .created)
    }

    @Sendable func login(_ req: Request) async throws -> Response {
        let body = try APIJSON.decodeBody(LoginRequest.self, from: req)
        var missing: [FieldError] = []
        if body.email == nil { missing.append(FieldError("email", "is required")) }
        if body.password == nil { missing.append(FieldError("password", "is required")) }
        guard missing.isEmpty, let email = body.email, let password = body.password else {
            throw DomainError.validation(missing)
        }
        let user = try await services.auth.login(email: email, password: password, client: req.clientAddress)
        let token = try await services.tokens.issue(for: user)
        return .json(SessionResponse(token: token, user: UserResponse(user)))
    }

    /// Ends every token of the caller's account (this one included, and the web session): 204.
    @Sendable func logout(_ req: Request) async throws -> Response {
        try await services.auth.logout(try req.principal)
        return Response(status: .noContent)
    }

    @Sendable func me(_ req: Request) async throws -> Response {
        .json(UserResponse(try await services.auth.user(for: try req.principal)))
    }
}
