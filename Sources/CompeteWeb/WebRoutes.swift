import CompeteAPI
import Leaf
import LeafKit
import Vapor

/// Settings of the web UI.
public struct WebOptions: Sendable {
    /// Mark cookies `Secure` and name the CSRF cookie `__Host-…` (the site is served over HTTPS).
    public var secureCookies: Bool
    public var sessionTTL: TimeInterval
    /// Signs the CSRF tokens of forms; the same on every instance.
    public var csrfKey: SymmetricKey

    public init(secureCookies: Bool, sessionTTL: TimeInterval, csrfKey: SymmetricKey) {
        self.secureCookies = secureCookies
        self.sessionTTL = sessionTTL
        self.csrfKey = csrfKey
    }
}

/// Mounts the server-rendered web UI on `app` (its own Application, served on WEB_PORT). It calls
/// the same services as the JSON API; no business rule lives here.
public func registerWeb(on app: Application, services: APIServices, options: WebOptions) throws {
    guard let resources = Bundle.module.resourceURL else {
        throw Abort(.internalServerError, reason: "web UI resources are missing from the build")
    }
    let views = resources.appendingPathComponent("Views").path + "/"
    app.views.use(.leaf)
    app.leaf.configuration = LeafConfiguration(rootDirectory: views)
    // Templates ship inside the build's resource bundle, which sits under `.build/`: allow that
    // hidden path, but nothing outside the views directory and only `.leaf` files.
    app.leaf.sources = .singleSource(NIOLeafFiles(
        fileio: app.fileio, limits: [.toSandbox, .requireExtensions, .onlyLeafExtensions],
        sandboxDirectory: views, viewDirectory: views
    ))
    let stylesheet = try String(contentsOf: resources.appendingPathComponent("Public/style.css"), encoding: .utf8)

    let session = WebSession(tokens: services.tokens, secureCookies: options.secureCookies, ttl: options.sessionTTL)
    let renderer = PageRenderer(services: services, session: session)
    app.middleware = Middlewares()
    app.middleware.use(RouteLoggingMiddleware(logLevel: .debug))
    app.middleware.use(PageHeadersMiddleware())
    app.middleware.use(WebErrorMiddleware(renderer: renderer))
    app.middleware.use(CSRFMiddleware(secureCookies: options.secureCookies, key: options.csrfKey))
    app.routes.defaultMaxBodySize = "64kb"

    app.get("static", "style.css") { _ in
        Response(status: .ok, headers: ["Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=3600"],
                 body: .init(string: stylesheet))
    }
    try app.register(collection: BrowsePages(services: services, renderer: renderer, session: session))
    try app.register(collection: AccountPages(services: services, renderer: renderer, session: session))
    try app.register(collection: ParticipantPages(services: services, renderer: renderer, session: session))
    try app.register(collection: OrganizerPages(services: services, renderer: renderer, session: session))
    try app.register(collection: MailPages(services: services, renderer: renderer, session: session))
    try app.register(collection: RegistrantsPages(services: services, renderer: renderer, session: session))
    try app.register(collection: WebhookPages(services: services, renderer: renderer, session: session))
}
