import CompeteAPI
import CompeteCore
import CompeteJobs
import CompeteRedis
import CompeteSMTP
import CompeteStore
import CompeteWeb
import Fluent
import Metrics
import FluentPostgresDriver
import FluentSQLiteDriver
import Vapor

/// The composition root: builds every store and service from the configuration and mounts the
/// API. The executable and the tests both go through here.
public struct MiniCompete: Sendable {
    public let app: Application
    public let config: AppConfig
    public let services: APIServices
    public let queue: any JobQueue
    public let scheduler: ReminderScheduler
    let jobHandler: JobHandler
    /// The message templates in use (built in, or `MAIL_TEMPLATES_DIR`).
    public let mailTemplates: MailTemplates
    /// Where message links point, with signed unsubscribe links.
    public let messageLinks: MessageLinks
    /// The webhook deliveries and how attempts are sent (the worker role's delivery lane).
    public let webhookQueue: any WebhookDeliveryQueue
    let webhookSender: any WebhookSender
    let effects: Effects
    let seeder: @Sendable () async throws -> Void
    let userStore: any UserStore
    /// Signs the web UI's CSRF tokens; derived from the JWT secret so every instance agrees.
    let csrfKey: SymmetricKey
    /// PostgreSQL: hears the other instances' writes, which lets the API answer public reads
    /// from memory (the API role runs it); nil on SQLite.
    public let catalogFeed: CatalogFeed?

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
        let context = SQLContext(databases: app.eventLoopGroup.makeIterator().compactMap {
            app.databases.database(logger: app.logger, on: $0)
        }, sqliteWriter: writer)
        app.lifecycle.use(CatalogNotifierShutdown(context: context))
        let catalogFeed = try config.databaseURL.flatMap {
            try CatalogFeed(url: $0, context: context, eventLoop: app.eventLoopGroup.any(), logger: app.logger)
        }
        let users = SQLUserStore(context: context)
        let hashing = PasswordHashingPool(threads: config.bcryptThreads, queueLimit: config.bcryptQueue)
        app.lifecycle.use(PasswordHashingShutdown(pool: hashing))
        let hasher = BcryptPasswordHasher(pool: hashing, cost: config.bcryptCost)
        let redis = config.redis.map { RedisClient(configuration: $0, eventLoopGroup: app.eventLoopGroup, logger: app.logger) }
        if let redis { app.lifecycle.use(RedisShutdown(client: redis)) }
        let counter: any AttemptCounter = redis.map {
            RedisAttemptCounter(redis: $0, logger: app.logger, keyPrefix: config.redisNamespace.rateLimits)
        } ?? InMemoryAttemptCounter()
        let limiter = RateLimiter(counter: counter, limits: config.rateLimits)
        let revocations = TokenRevocations(
            store: SQLTokenVersionStore(context: context), refreshInterval: config.tokenRevocationRefresh,
            retention: config.jwtTTL, now: effects.now
        )
        let auth = AuthService(
            users: users, hasher: hasher, limiter: limiter, revocations: revocations, effects: effects,
            decoyHash: try await hasher.hash(UUID().uuidString)
        )
        let outcomes = SQLIdempotencyStore(context: context)
        let idempotency = IdempotencyService(
            store: redis.map {
                RedisIdempotencyStore(redis: $0, outcomes: outcomes, keyPrefix: config.redisNamespace.idempotency)
            } ?? outcomes,
            policy: IdempotencyPolicy(lease: config.idempotencyLease), effects: effects, observe: DomainMetrics.idempotency
        )
        let competitions = CompetitionService(
            competitions: SQLCompetitionStore(context: context), idempotency: idempotency, effects: effects
        )
        let registrations = RegistrationService(
            registrations: SQLRegistrationStore(context: context), idempotency: idempotency, effects: effects,
            limiter: limiter, observe: DomainMetrics.registration
        )
        let teams = TeamService(
            teams: SQLTeamStore(context: context), registrations: SQLRegistrationStore(context: context), idempotency: idempotency,
            effects: effects
        )
        let mailbox = SQLMailbox(context: context)
        let queue: any JobQueue = redis.map {
            RedisJobQueue(redis: $0, ledger: SQLJobLedger(context: context), prefix: config.redisNamespace.jobs,
                          redriveAfter: config.jobRedriveAfter)
        } ?? SQLJobQueue(context: context)
        let webhookPolicy = WebhookTargetPolicy(
            refusePrivate: !config.webhooks.allowPrivate, resolver: SystemHostResolver(threadPool: app.threadPool)
        )
        let webhooks = WebhookService(
            store: SQLWebhookStore(context: context), competitions: SQLCompetitionStore(context: context),
            policy: webhookPolicy, effects: effects
        )
        let webhookClient = HTTPWebhookSender.makeClient()
        app.lifecycle.use(HTTPClientShutdown(client: webhookClient))
        let secret = try JWTSecret.resolve(config, logger: app.logger)
        let tokens = await TokenService(secret: secret, ttl: config.jwtTTL, now: effects.now, revocations: revocations)
        let health = HealthCheck {
            let database = (try? await context.ping()) != nil ? "ok" : "unavailable"
            var redisState = "disabled"
            if let redis { redisState = (try? await redis.ping()) != nil ? "ok" : "unavailable" }
            return HealthReport(database: database, redis: redisState, queue: try? await queue.stats())
        }
        let unsubscribe = UnsubscribeSigner(key: JWTSecret.derivedKey(secret, purpose: "mail unsubscribe"))
        let links = MessageLinks(apiBase: config.messageLinks.apiBase, webBase: config.messageLinks.webBase,
                                 unsubscribeToken: { unsubscribe.token(for: $0) })
        let services = APIServices(
            auth: auth, competitions: competitions, registrations: registrations, teams: teams, idempotency: idempotency,
            mailbox: MailboxService(reader: mailbox), webhooks: webhooks, tokens: tokens, effects: effects,
            reads: ReadCache(version: context.catalogVersion, ttl: config.readCacheTTL, now: effects.now), health: health,
            publicWebURL: config.messageLinks.webBase,
            metrics: MetricsEndpoint { await Telemetry.render(queue: queue) },
            corsOrigin: config.corsOrigin ?? config.messageLinks.webBase,
            mailPreferences: MailPreferencesService(store: SQLMailPreferenceStore(context: context), tokens: unsubscribe)
        )
        try registerAPI(on: app, services: services)

        let templates = try MailTemplates.load(from: config.mail.templatesDirectory.map { URL(fileURLWithPath: $0) })
        let transport = FlakyMailTransport(
            base: try mailTransport(app, config, mailbox: mailbox), failureRate: config.mailFailureRate, delay: .milliseconds(Int(config.mailDelay * 1000)),
            random: effects.random
        )
        let logger = app.logger
        return MiniCompete(
            app: app, config: config, services: services, queue: queue,
            scheduler: ReminderScheduler(store: SQLReminderStore(context: context), now: effects.now),
            jobHandler: JobHandler(contexts: mailbox, transport: transport, links: links, templates: templates),
            mailTemplates: templates, messageLinks: links,
            webhookQueue: SQLWebhookQueue(context: context),
            webhookSender: HTTPWebhookSender(
                client: webhookClient, policy: webhookPolicy, timeout: .milliseconds(Int64(config.webhooks.timeout * 1000))
            ),
            effects: effects,
            seeder: {
                try await DemoData.seed(
                    auth: auth, competitions: competitions, teams: teams, users: users, password: try DemoData.password(for: config),
                    now: effects.now(), logger: logger
                )
            },
            userStore: users, csrfKey: JWTSecret.derivedKey(secret, purpose: "web csrf"), catalogFeed: catalogFeed
        )
    }

    /// A worker over this instance's queue; the `.worker` role runs one, tests may run several.
    public func makeWorker(name: String = "worker") -> Worker {
        var logger = app.logger
        logger[metadataKey: "worker"] = "\(name)"
        return Worker(
            queue: queue, handler: jobHandler,
            settings: WorkerSettings(batchSize: config.workerConcurrency, lease: config.jobLease, retry: config.retryPolicy),
            now: effects.now, random: effects.random, logger: logger
        )
    }

    /// The webhook delivery lane; the `.worker` role runs one next to its job worker.
    public func makeWebhookLane(name: String = "webhooks") -> WebhookLane {
        var logger = app.logger
        logger[metadataKey: "worker"] = "\(name)"
        return WebhookLane(
            queue: webhookQueue, sender: webhookSender,
            settings: WebhookLaneSettings(
                concurrency: config.webhooks.concurrency, lease: config.webhooks.lease, retry: config.webhooks.retryPolicy,
                pollInterval: .milliseconds(Int(config.workerPollInterval * 1000))
            ),
            now: effects.now, random: effects.random, logger: logger
        )
    }

    /// Applies pending migrations; on PostgreSQL under an advisory lock so that instances
    /// starting together do not race.
    public func migrate() async throws {
        let app = self.app
        try await SQLContext(database: app.db).prepareDatabaseFile()
        try await MigrationLock.withLock(on: app.db) { try await app.autoMigrate() }
    }

    /// Loads the demo data (idempotent); in production only with a `DEMO_PASSWORD` of its own.
    public func seed() async throws {
        try await seeder()
    }

    /// Seeds only a database that has no demo organizer yet, when `SEED_DEMO_DATA` allows it.
    public func seedIfEmpty() async throws {
        guard config.seedDemoData, try await userStore.credentials(email: "org1@compete.com") == nil else { return }
        try await seed()
    }

    /// The mailbox alone, or the mailbox and then SMTP (`MAIL_TRANSPORT=smtp`).
    private static func mailTransport(_ app: Application, _ config: AppConfig, mailbox: SQLMailbox) throws -> any MailTransport {
        guard config.mail.transport == .smtp, let smtp = config.mail.smtp, let sender = config.mail.sender else { return mailbox }
        let mailer = SMTPMailer(configuration: smtp, eventLoopGroup: app.eventLoopGroup, logger: app.logger)
        app.lifecycle.use(SMTPShutdown(mailer: mailer))
        app.logger.info("sending email by SMTP", metadata: ["smtp": "\(smtp)", "from": "\(sender.address)"])
        return SMTPMailTransport(mailbox: mailbox, log: mailbox, mailer: mailer, sender: sender, logger: app.logger)
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

/// Closes SQLite's writer connection when the application shuts down, which the executable and
/// the tests do only after the service group has stopped every role.
struct SQLiteWriterShutdown: LifecycleHandler {
    let writer: SQLiteWriter

    func shutdownAsync(_ application: Application) async {
        await writer.close()
    }
}

/// Stops password hashing's threads when the application shuts down (after every role).
struct PasswordHashingShutdown: LifecycleHandler {
    let pool: PasswordHashingPool

    func shutdownAsync(_ application: Application) async {
        await pool.shutdown()
    }
}

/// Says goodbye (QUIT) on the kept SMTP connections when the application shuts down.
struct SMTPShutdown: LifecycleHandler {
    let mailer: SMTPMailer

    func shutdownAsync(_ application: Application) async {
        await mailer.shutdown()
    }
}

/// Closes the webhook HTTP client's connections when the application shuts down (after the
/// delivery lane has stopped).
struct HTTPClientShutdown: LifecycleHandler {
    let client: HTTPClient

    func shutdownAsync(_ application: Application) async {
        try? await client.shutdown()
    }
}

/// Closes the Redis connections when the application shuts down (after every role, like the
/// SQLite writer).
struct RedisShutdown: LifecycleHandler {
    let client: RedisClient

    func shutdownAsync(_ application: Application) async {
        await client.close()
    }
}
