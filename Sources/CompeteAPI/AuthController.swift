import CompeteCore
import Vapor

struct AuthController: RouteCollection {
    let services: APIServices

    func boot(routes: any RoutesBuilder) throws {
        let auth = routes.grouped("auth")
        auth.post("signup", use: signup)
        auth.post("login", use: login)
        auth.signedIn(services.tokens).get("me", use: me)
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

    @Sendable func me(_ req: Request) async throws -> Response {
        .json(UserResponse(try await services.auth.user(for: try req.principal)))
    }
}
