import CompeteAPI
import CompeteCore
import Vapor

/// The browser session: the same signed token the API issues, kept in an HttpOnly,
/// SameSite=Lax cookie, so any instance can verify it and nothing is stored server-side.
struct WebSession {
    static let cookie = "mc_session"

    let tokens: TokenService
    let secureCookies: Bool
    let ttl: TimeInterval

    func principal(_ req: Request) async -> Principal? {
        guard let token = req.cookies[Self.cookie]?.string else { return nil }
        return try? await tokens.verify(token)
    }

    func signIn(_ user: User, on response: Response) async throws {
        let token = try await tokens.issue(for: user)
        response.cookies[Self.cookie] = HTTPCookies.Value(
            string: token, maxAge: Int(ttl), path: "/", isSecure: secureCookies, isHTTPOnly: true, sameSite: .lax
        )
    }

    func signOut(_ response: Response) {
        response.cookies[Self.cookie] = HTTPCookies.Value(
            string: "", maxAge: 0, path: "/", isSecure: secureCookies, isHTTPOnly: true, sameSite: .lax
        )
    }
}

/// In front of the pages that need a signed-in visitor: the session's principal becomes
/// `req.principal`; anyone else is sent to log in and brought back. What each role may do is
/// decided by the services.
struct SignedInPages: AsyncMiddleware {
    let session: WebSession

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let principal = await session.principal(request) else { throw WebRedirect.login(next: request.url.path) }
        request.authenticated(as: principal)
        return try await next.respond(to: request)
    }
}

/// Thrown by page handlers that need the visitor elsewhere; the error middleware redirects.
enum WebRedirect: Error {
    case login(next: String)
}
