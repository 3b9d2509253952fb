import Vapor

/// A one-time message shown on the page after a redirect (POST/redirect/GET).
struct Flash: Codable {
    enum Kind: String, Codable { case success, error, info }
    let kind: Kind
    let message: String

    static let cookie = "mc_flash"

    static func take(from req: Request) -> Flash? {
        guard let raw = req.cookies[cookie]?.string,
              let data = Data(base64Encoded: raw) else { return nil }
        return try? JSONDecoder().decode(Flash.self, from: data)
    }

    /// A 303 redirect carrying this message. A location with a space or control character (a
    /// bug upstream) becomes `/`: CR or LF must never reach a header.
    func redirect(to location: String) -> Response {
        let plain = location.utf8.allSatisfy { (0x21...0x7E).contains($0) }
        let response = Response(status: .seeOther, headers: ["Location": plain ? location : "/"])
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        response.cookies[Self.cookie] = HTTPCookies.Value(string: data.base64EncodedString(), maxAge: 60, path: "/", isHTTPOnly: true, sameSite: .lax)
        return response
    }
}

/// Clears a flash once a page has shown it, and keeps logged-in pages out of caches.
struct PageHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if request.cookies[Flash.cookie] != nil, response.status != .seeOther {
            response.cookies[Flash.cookie] = HTTPCookies.Value(string: "", maxAge: 0, path: "/")
        }
        if request.cookies[WebSession.cookie] != nil || response.headers.first(name: .setCookie)?.contains(WebSession.cookie) == true {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        response.headers.replaceOrAdd(
            name: "Content-Security-Policy",
            value: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"
        )
        return response
    }
}
