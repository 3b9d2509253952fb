import Vapor

/// Double-submit CSRF protection: every visitor gets a random token in an HttpOnly, SameSite=Lax
/// cookie; every form echoes it in `_csrf`; a POST whose field does not match is refused.
struct CSRFMiddleware: AsyncMiddleware {
    static let cookie = "mc_csrf"
    static let field = "_csrf"
    let secureCookies: Bool

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let cookie = request.cookies[Self.cookie]?.string
        let existing = cookie?.count == 43 ? cookie : nil
        let token = existing ?? Self.makeToken()
        request.storage[TokenKey.self] = token
        if request.method == .POST {
            let sent = try? request.content.get(String.self, at: Self.field)
            guard let existing, let sent, Self.constantTimeEqual(sent, existing) else {
                throw Abort(.forbidden, reason: "This form has expired or did not come from this site. Go back, reload the page and try again.")
            }
        }
        let response = try await next.respond(to: request)
        if existing == nil {
            response.cookies[Self.cookie] = HTTPCookies.Value(
                string: token, path: "/", isSecure: secureCookies, isHTTPOnly: true, sameSite: .lax
            )
        }
        return response
    }

    struct TokenKey: StorageKey { typealias Value = String }

    static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Request {
    var csrfToken: String { storage[CSRFMiddleware.TokenKey.self] ?? "" }
}
