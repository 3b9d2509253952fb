import Vapor

/// CSRF protection by a signed double submit bound to the session. Every visitor gets a random
/// nonce in an HttpOnly, SameSite=Lax cookie; every form carries
/// `HMAC-SHA256(key, nonce, session cookie)` in `_csrf`, and a POST whose field does not match
/// is refused (403). Bound to the session, a token taken from one session's page is worthless in
/// another (after logging in, or with a planted session cookie); signed with a server key, a
/// planted nonce cookie does not help forge one. Over HTTPS the cookie is `__Host-`-prefixed:
/// the browser then only accepts it from this host, Secure, for path `/`, so a sibling
/// subdomain cannot plant it.
struct CSRFMiddleware: AsyncMiddleware {
    static let plainCookie = "mc_csrf"
    static let hostCookie = "__Host-mc_csrf"
    static let field = "_csrf"
    let secureCookies: Bool
    let key: SymmetricKey

    var cookie: String { secureCookies ? Self.hostCookie : Self.plainCookie }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let stored = request.cookies[cookie]?.string
        let existing = stored?.count == 43 ? stored : nil
        let nonce = existing ?? Self.makeNonce()
        let session = request.cookies[WebSession.cookie]?.string ?? ""
        request.storage[TokenKey.self] = formToken(nonce: nonce, session: session)
        if request.method == .POST, !Self.exempt.contains(request.url.path) {
            // Middleware runs before the route collects the body: a form that arrives in more
            // than one chunk (the question builder's rows) would otherwise look token-less.
            _ = try await request.body.collect(max: request.application.routes.defaultMaxBodySize.value).get()
            let sent = try? request.content.get(String.self, at: Self.field)
            guard let existing, let sent, Self.constantTimeEqual(sent, formToken(nonce: existing, session: session)) else {
                throw Abort(.forbidden, reason: "This form has expired or did not come from this site. Go back, reload the page and try again.")
            }
        }
        let response = try await next.respond(to: request)
        if existing == nil {
            response.cookies[cookie] = HTTPCookies.Value(
                string: nonce, path: "/", isSecure: secureCookies, isHTTPOnly: true, sameSite: .lax
            )
        }
        return response
    }

    /// POSTs whose only credential is a signed token in the URL, not a cookie, so a forged
    /// cross-site request gains nothing: the reminders' one-click unsubscribe, which mail
    /// providers POST (RFC 8058) without ever having loaded a form.
    static let exempt: Set<String> = ["/unsubscribe"]

    struct TokenKey: StorageKey { typealias Value = String }

    /// The value forms carry for this nonce and session (the session cookie's token, empty for
    /// a visitor who is not logged in).
    func formToken(nonce: String, session: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(nonce)\u{0}\(session)".utf8), using: key)
        return Self.base64URL(Data(mac))
    }

    static func makeNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return base64URL(Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
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
