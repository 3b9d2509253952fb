import CompeteCore
import Vapor

/// Requires `Authorization: Bearer <token>` on the routes behind it (401 otherwise) and makes
/// the verified caller `req.principal` for their handlers. What each role may do is decided by
/// the services, once, for the API and the web UI alike.
struct BearerAuthentication: AsyncMiddleware {
    let tokens: TokenService

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization else { throw DomainError.unauthenticated }
        request.authenticated(as: try await tokens.verify(bearer.token))
        return try await next.respond(to: request)
    }
}

private struct PrincipalKey: StorageKey {
    typealias Value = Principal
}

extension Request {
    /// The caller verified by an authentication middleware (the bearer token here, the session
    /// cookie in the web UI); 401 on a route mounted without one.
    public var principal: Principal {
        get throws {
            guard let principal = storage[PrincipalKey.self] else { throw DomainError.unauthenticated }
            return principal
        }
    }

    /// Records the verified caller for the handlers and the access log.
    public func authenticated(as principal: Principal) {
        storage[PrincipalKey.self] = principal
        storage[AuthenticatedUserKey.self] = principal.userId
    }
}

extension RoutesBuilder {
    /// The routes that need a signed-in caller.
    func signedIn(_ tokens: TokenService) -> any RoutesBuilder {
        grouped(BearerAuthentication(tokens: tokens))
    }
}
