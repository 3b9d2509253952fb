import CompeteCore
import Vapor

/// Everything the HTTP layer calls, built once by the composition root.
public struct APIServices: Sendable {
    public let auth: AuthService
    public let competitions: CompetitionService
    public let registrations: RegistrationService
    public let teams: TeamService
    public let idempotency: IdempotencyService
    public let mailbox: MailboxService
    /// Reminders on or off, signed in or through an email's unsubscribe link.
    public let mailPreferences: MailPreferencesService
    public let webhooks: WebhookService
    public let tokens: TokenService
    public let effects: Effects
    /// Kept answers of the public competition reads.
    public let reads: ReadCache
    public let health: HealthCheck
    /// Base of the web UI's links (calendar events point at the competition's page).
    public let publicWebURL: String
    public let metrics: MetricsEndpoint
    /// The web UI's origin, the only one allowed to call the API from a browser (CORS).
    public let corsOrigin: String

    public init(
        auth: AuthService, competitions: CompetitionService, registrations: RegistrationService, teams: TeamService,
        idempotency: IdempotencyService, mailbox: MailboxService, webhooks: WebhookService, tokens: TokenService, effects: Effects, reads: ReadCache, health: HealthCheck,
        publicWebURL: String, metrics: MetricsEndpoint, corsOrigin: String, mailPreferences: MailPreferencesService
    ) {
        self.mailPreferences = mailPreferences
        self.auth = auth
        self.competitions = competitions
        self.registrations = registrations
        self.teams = teams
        self.idempotency = idempotency
        self.mailbox = mailbox
        self.webhooks = webhooks
        self.tokens = tokens
        self.effects = effects
        self.reads = reads
        self.health = health
        self.publicWebURL = publicWebURL
        self.metrics = metrics
        self.corsOrigin = corsOrigin
    }
}

/// Mounts the JSON API under `/api` with problem+json errors and the 64 KiB body limit.
public func registerAPI(on app: Application, services: APIServices) throws {
    app.middleware = Middlewares()
    app.middleware.use(CORSMiddleware(configuration: .init(
        allowedOrigin: .any([services.corsOrigin]),
        allowedMethods: [.GET, .POST, .PATCH, .DELETE, .OPTIONS],
        allowedHeaders: [.accept, .authorization, .contentType, .origin, "Idempotency-Key", "X-Request-Id"],
        exposedHeaders: ["Idempotent-Replayed", .location, .retryAfter, "X-Request-Id"]
    )), at: .beginning)
    app.middleware.use(SecurityHeadersMiddleware(), at: .beginning)
    app.middleware.use(AccessLogMiddleware())
    app.middleware.use(ProblemMiddleware())
    app.routes.defaultMaxBodySize = "64kb"
    app.get("metrics") { _ in
        Response(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(data: Data(await services.metrics.render())))
    }
    let api = app.grouped("api")
    try api.register(collection: AuthController(services: services))
    try api.register(collection: CompetitionController(services: services))
    try api.register(collection: RegistrationController(services: services))
    try api.register(collection: TeamController(services: services))
    try api.register(collection: MailboxController(services: services))
    try api.register(collection: MailPreferencesController(services: services))
    try api.register(collection: WebhookController(services: services))
    try api.register(collection: HealthController(check: services.health))
    try api.register(collection: DocsController())
}
