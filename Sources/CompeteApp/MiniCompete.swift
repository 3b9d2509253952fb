import CompeteAPI
import CompeteCore
import CompeteJobs
import CompeteRedis
import CompeteStore
import CompeteWeb
import Fluent
import Metrics
import FluentPostgresDriver
import FluentSQLiteDriver
import Vapor

/// The long-running parts a process can host besides the HTTP server.
public enum BackgroundRole: Sendable {
    /// Outbox relay and job worker.
    case worker
    /// Enqueues reminders of competitions about to start; safe in any number of processes
    /// (each reminder is admitted once by the database).
    case scheduler
    /// Purges expired idempotency records and old completed jobs.
    case janitor
}

/// The composition root: builds every store and service from the configuration and mounts the
/// API. The executable and the tests both go through here.
public struct MiniCompete: Sendable {
    public let app: Application
    public let config: AppConfig
    public let services: APIServices
    public let queue: any JobQueue
    public let scheduler: ReminderScheduler
    let jobHandler: JobHandler
    let effects: Effects
    let seeder: @Sendable () async throws -> Void
    let userStore: any UserStore

    public static func build(_ app: Application, config: AppConfig, effects: Effects = Effects()) async throws -> MiniCompete {
        app.logger.logLevel = config.logLevel
        Telemetry.bootstrap()
        let sqliteFile = try configureDatabase(app, config)
        Gauge(label: "db_pool_connections_max").record(
            (config.databaseURL == nil ? 1 : config.dbPoolSize) * System.coreCount)
        app.migrations.add(Schema.migrations)
        app.http.server.configuration.hostname = config.host
        app.http.server.configuration.port = config.apiPort

        let writer = sqliteFile.map {
            SQLiteWriter(path: $0, threadPool: app.threadPool, eventLoop: app.eventLoopGroup.any(), logger: app.logger)
        }
        if let writer { app.lifecycle.use(SQLiteWriterShutdown(writer: writer)) }
        let context = SQLContext(database: app.db, sqliteWriter: writer)
        let users = SQLUserStore(context: context)
        let hasher = BcryptPasswordHasher(threadPool: app.threadPool, cost: config.bcryptCost)
        let throttle = LoginThrottlePolicy(maxFailures: config.loginMaxFailures, window: config.loginWindow)
        let redis = config.redis.map { RedisClient(configuration: $0, eventLoopGroup: app.eventLoopGroup, logger: app.logger) }
        if let redis { app.lifecycle.use(RedisShutdown(client: redis)) }
        let limiter: any LoginRateLimiter = redis.map {
            RedisLoginRateLimiter(redis: $0, policy: throttle, logger: app.logger, keyPrefix: config.redisNamespace.login)
        } ?? InMemoryLoginRateLimiter(policy: throttle)
        let auth = AuthService(
            users: users, hasher: hasher, limiter: limiter, effects: effects,
            decoyHash: try await hasher.hash(UUID().uuidString)
        )
        let competitions = CompetitionService(competitions: SQLCompetitionStore(context: context), effects: effects)
        let registrations = RegistrationService(registrations: SQLRegistrationStore(context: context), effects: effects)
        let outcomes = SQLIdempotencyStore(context: context)
        let idempotency = IdempotencyService(
            store: redis.map {
                RedisIdempotencyStore(redis: $0, outcomes: outcomes, keyPrefix: config.redisNamespace.idempotency)
            } ?? outcomes,
            policy: IdempotencyPolicy(lease: config.idempotencyLease), effects: effects
        )
        let mailbox = SQLMailbox(context: context)
        let queue: any JobQueue = redis.map {
            RedisJobQueue(redis: $0, ledger: SQLJobLedger(context: context), prefix: config.redisNamespace.jobs,
                          redriveAfter: config.jobRedriveAfter)
        } ?? SQLJobQueue(context: context)
        let tokens = await TokenService(
            secret: try JWTSecret.resolve(config, logger: app.logger), ttl: config.jwtTTL, now: effects.now
        )
        let health = HealthCheck {
            let database = (try? await context.ping()) != nil ? "ok" : "unavailable"
            var redisState = "disabled"
            if let redis { redisState = (try? await redis.ping()) != nil ? "ok" : "unavailable" }
            return HealthReport(database: database, redis: redisState, queue: try? await queue.stats())
        }
        let services = APIServices(
            auth: auth, competitions: competitions, registrations: registrations, idempotency: idempotency,
            mailbox: MailboxService(reader: mailbox), tokens: tokens, effects: effects,
            reads: ReadCache(version: context.catalogVersion, ttl: config.readCacheTTL, now: effects.now), health: health,
            publicWebURL: config.messageLinks.webBase,
            metrics: MetricsEndpoint { await Telemetry.render(queue: queue) },
            corsOrigin: config.corsOrigin ?? config.messageLinks.webBase
        )
        try registerAPI(on: app, services: services)

        let transport = FlakyMailTransport(
            base: mailbox, failureRate: config.mailFailureRate, delay: .milliseconds(Int(config.mailDelay * 1000)),
            random: effects.random
        )
        let logger = app.logger
        return MiniCompete(
            app: app, config: config, services: services, queue: queue,
            scheduler: ReminderScheduler(store: SQLReminderStore(context: context), now: effects.now),
            jobHandler: JobHandler(contexts: mailbox, transport: transport, links: config.messageLinks), effects: effects,
            seeder: {
                try await DemoData.seed(auth: auth, competitions: competitions, users: users, now: effects.now(), logger: logger)
            },
            userStore: users
        )
    }

    /// A worker over this instance's queue; `serve` and `worker` run one, tests may run several.
    public func makeWorker(name: String = "worker") -> Worker {
        var logger = app.logger
        logger[metadataKey: "worker"] = "\(name)"
        return Worker(
            queue: queue, handler: jobHandler,
            settings: WorkerSettings(batchSize: config.workerConcurrency, lease: config.jobLease, retry: config.retryPolicy),
            now: effects.now, random: effects.random, logger: logger
        )
    }

    /// Serves the web UI on `WEB_PORT` from boot until shutdown.
    @discardableResult
    public func hostWeb() -> WebHost {
        let host = WebHost(
            services: services, options: WebOptions(secureCookies: config.isProduction, sessionTTL: config.jwtTTL),
            host: config.host, port: config.webPort
        )
        app.lifecycle.use(host)
        return host
    }

    /// Runs the given background roles from boot until shutdown; shutdown lets the jobs in hand
    /// finish first.
    public func host(_ roles: Set<BackgroundRole>) {
        var repeaters: [Repeater] = []
        let logger = app.logger
        if roles.contains(.worker) {
            let worker = makeWorker(name: "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)")
            repeaters.append(Repeater(name: "worker", interval: .milliseconds(Int(config.workerPollInterval * 1000)), logger: logger) {
                try await worker.tick() > 0
            })
        }
        if roles.contains(.scheduler) {
            let scheduler = self.scheduler
            repeaters.append(Repeater(name: "reminder scheduler", interval: .milliseconds(Int(config.reminderInterval * 1000)), logger: logger) {
                let scheduled = try await scheduler.tick()
                if scheduled > 0 { logger.info("reminders scheduled", metadata: ["count": "\(scheduled)"]) }
                return false
            })
        }
        if roles.contains(.janitor) {
            let (idempotency, queue, now, retention) = (services.idempotency, queue, effects.now, config.jobRetention)
            repeaters.append(Repeater(name: "janitor", interval: .seconds(600), logger: logger) {
                let keys = try await idempotency.purgeExpired()
                if keys > 0 { logger.info("purged expired idempotency keys", metadata: ["count": "\(keys)"]) }
                let jobs = try await queue.purgeCompleted(before: now().addingTimeInterval(-retention))
                if jobs > 0 { logger.info("purged completed jobs", metadata: ["count": "\(jobs)"]) }
                return false
            })
        }
        app.lifecycle.use(BackgroundRoles(repeaters: repeaters))
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

    /// Returns the SQLite file's path, nil on PostgreSQL.
    private static func configureDatabase(_ app: Application, _ config: AppConfig) throws -> String? {
        if let url = config.databaseURL {
            do {
                app.databases.use(try .postgres(
                    url: url, maxConnectionsPerEventLoop: config.dbPoolSize, connectionPoolTimeout: .seconds(30)
                ), as: .psql)
            } catch {
                throw AppConfig.Invalid(description: "DATABASE_URL is not a valid postgres:// or postgresql:// URL")
            }
            return nil
        } else {
            try FileManager.default.createDirectory(atPath: config.dataDir, withIntermediateDirectories: true)
            let path = URL(fileURLWithPath: config.dataDir).appendingPathComponent("mini-compete.sqlite").path
            app.databases.use(.sqlite(.file(path), connectionPoolTimeout: .seconds(30)), as: .sqlite)
            return path
        }
    }
}

/// Closes SQLite's writer connection when the application shuts down (registered before the
/// background roles, so after they have stopped).
struct SQLiteWriterShutdown: LifecycleHandler {
    let writer: SQLiteWriter

    func shutdownAsync(_ application: Application) async {
        await writer.close()
    }
}

/// Closes the Redis connections when the application shuts down.
struct RedisShutdown: LifecycleHandler {
    let client: RedisClient

    func shutdownAsync(_ application: Application) async {
        await client.close()
    }
}

/// Starts the background loops when the application boots and stops them, gracefully, when it
/// shuts down.
struct BackgroundRoles: LifecycleHandler {
    let repeaters: [Repeater]

    func didBootAsync(_ application: Application) async throws {
        for repeater in repeaters { repeater.start() }
    }

    func shutdownAsync(_ application: Application) async {
        for repeater in repeaters { await repeater.stop() }
    }
}
