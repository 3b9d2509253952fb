import CompeteAPI
import CompeteCore
import CompeteStore
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Vapor

/// The composition root: builds every store and service from the configuration and mounts the
/// API. The executable and the tests both go through here.
public struct MiniCompete: Sendable {
    public let app: Application
    public let config: AppConfig
    public let services: APIServices
    let seeder: @Sendable () async throws -> Void
    let userStore: any UserStore

    public static func build(_ app: Application, config: AppConfig, effects: Effects = Effects()) async throws -> MiniCompete {
        app.logger.logLevel = config.logLevel
        try configureDatabase(app, config)
        app.migrations.add(Schema.migrations)

        app.http.server.configuration.hostname = config.host
        app.http.server.configuration.port = config.apiPort

        let context = SQLContext(database: app.db)
        let users = SQLUserStore(context: context)
        let hasher = BcryptPasswordHasher(threadPool: app.threadPool, cost: config.bcryptCost)
        let limiter = InMemoryLoginRateLimiter(policy: LoginThrottlePolicy(
            maxFailures: config.loginMaxFailures, window: config.loginWindow))
        let auth = AuthService(
            users: users, hasher: hasher, limiter: limiter, effects: effects,
            decoyHash: try await hasher.hash(UUID().uuidString)
        )
        let competitions = CompetitionService(competitions: SQLCompetitionStore(context: context), effects: effects)
        let registrations = RegistrationService(registrations: SQLRegistrationStore(context: context), effects: effects)
        let idempotency = IdempotencyService(
            store: SQLIdempotencyStore(context: context),
            policy: IdempotencyPolicy(lease: config.idempotencyLease), effects: effects
        )
        let tokens = await TokenService(
            secret: try JWTSecret.resolve(config, logger: app.logger), ttl: config.jwtTTL, now: effects.now
        )
        let health = HealthCheck {
            var checks = ["redis": "disabled"]
            do {
                try await context.ping()
                checks["database"] = "ok"
            } catch {
                checks["database"] = "unavailable"
            }
            return checks
        }
        let services = APIServices(
            auth: auth, competitions: competitions, registrations: registrations, idempotency: idempotency,
            tokens: tokens, effects: effects, health: health
        )
        try registerAPI(on: app, services: services)
        app.lifecycle.use(IdempotencyJanitor(service: idempotency, logger: app.logger))

        let logger = app.logger
        return MiniCompete(app: app, config: config, services: services, seeder: {
            try await DemoData.seed(auth: auth, competitions: competitions, users: users, now: effects.now(), logger: logger)
        }, userStore: users)
    }

    /// Applies pending migrations; on PostgreSQL under an advisory lock so that instances
    /// starting together do not race.
    public func migrate() async throws {
        let app = self.app
        try await SQLContext(database: app.db).prepareDatabaseFile()
        try await MigrationLock.withLock(on: app.db) { try await app.autoMigrate() }
    }

    /// Loads the demo data (idempotent).
    public func seed() async throws {
        try await seeder()
    }

    /// Seeds only a database that has no demo organizer yet, when `SEED_DEMO_DATA` allows it.
    public func seedIfEmpty() async throws {
        guard config.seedDemoData, try await userStore.credentials(email: "org1@compete.com") == nil else { return }
        try await seed()
    }

    private static func configureDatabase(_ app: Application, _ config: AppConfig) throws {
        if let url = config.databaseURL {
            do {
                app.databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: config.dbPoolSize), as: .psql)
            } catch {
                throw AppConfig.Invalid(description: "DATABASE_URL is not a valid postgres:// or postgresql:// URL")
            }
        } else {
            try FileManager.default.createDirectory(atPath: config.dataDir, withIntermediateDirectories: true)
            let path = URL(fileURLWithPath: config.dataDir).appendingPathComponent("mini-compete.sqlite").path
            app.databases.use(.sqlite(.file(path)), as: .sqlite)
        }
    }
}
