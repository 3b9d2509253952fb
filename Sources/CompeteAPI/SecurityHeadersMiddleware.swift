import Vapor

/// Headers every API answer carries, errors and CORS preflights included (it sits outside every
/// other middleware): `X-Content-Type-Options: nosniff`, so a browser never runs a JSON, CSV or
/// problem body as something else; and on `/api/auth/…` `Cache-Control: no-store`, so no
/// cache or back button keeps a token or an account.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let authPrefix = "/api/auth/"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        if request.url.path.hasPrefix(Self.authPrefix) {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}
