import CompeteCore
import CompeteJobs
import CompeteRedis
import Foundation
import Logging

/// Every setting, read once from the environment. See `.env.example` for the documentation of
/// each variable.
public struct AppConfig: Sendable {
    public var appEnv: String = "development"
    public var host: String = "127.0.0.1"
    public var apiPort: Int = 3001
    public var webPort: Int = 3000
    /// Where links in messages point; default to this machine's ports.
    public var publicAPIURL: String?
    public var publicWebURL: String?
    public var databaseURL: String?
    /// Redis for the job queue, shared login throttling and idempotency locks; nil runs without Redis.
    public var redis: RedisConfiguration?
    /// Prefix of every Redis key (queue, idempotency locks, login counters), so deployments (or
    /// test runs) can share a Redis.
    public var redisNamespace = RedisNamespace("mc:")
    public var dataDir: String = "./data"
    public var jwtSecret: String?
    public var jwtTTL: TimeInterval = 24 * 3600
    /// Load the demo accounts and competitions into an empty database. Default: on for the
    /// embedded SQLite database outside production (so `swift run` shows a working site), off
    /// with `DATABASE_URL` or in production unless `SEED_DEMO_DATA=true` is given.
    public var seedDemoData: Bool = true
    /// The demo accounts' password instead of the published `password123`; production refuses
    /// to seed without one (`DEMO_PASSWORD`).
    public var demoPassword: String?
    /// How old this process's copy of the recent logouts may get before a request reads it
    /// again: how long another instance may still accept a token that was logged out.
    public var tokenRevocationRefresh: TimeInterval = 1
    public var logLevel: Logger.Level = .info
    public var logFormat: LogFormat = .text
    /// The one origin whose browser scripts may call the API (CORS).
    public var corsOrigin: String?
    public var bcryptCost: Int = 10
    /// Password hashing's own threads (default: one per core) and how many hashes may wait
    /// for them before the next is refused with 503 (`PasswordHashingPool`).
    public var bcryptThreads: Int = ProcessInfo.processInfo.activeProcessorCount
    public var bcryptQueue: Int = 64
    public var dbPoolSize: Int = 4
    /// Login, sign-up and registration budgets (docs/security.md).
    public var rateLimits = RateLimits()
    /// The login budgets' shared window (`LOGIN_WINDOW_SECONDS`).
    public var loginWindow: TimeInterval {
        get { rateLimits.loginPerAccount.window }
        set { rateLimits.loginPerAccount.window = newValue; rateLimits.loginPerAddress.window = newValue }
    }
    /// Failed logins per email + client address (`LOGIN_MAX_FAILURES`).
    public var loginMaxFailures: Int {
        get { rateLimits.loginPerAccount.limit }
        set { rateLimits.loginPerAccount.limit = newValue }
    }
    public var idempotencyLease: TimeInterval = 30
    public var jobMaxAttempts: Int = 5
    public var jobBackoffBase: TimeInterval = 2
    public var jobBackoffFactor: Double = 2
    public var jobBackoffMax: TimeInterval = 300
    public var jobBackoffJitter: Double = 0.2
    public var jobLease: TimeInterval = 30
    public var workerConcurrency: Int = 10
    public var workerPollInterval: TimeInterval = 0.5
    public var reminderInterval: TimeInterval = 60
    /// Redis queue: an outbox row relayed this long ago and still unfinished is relayed again
    /// (a no-op unless Redis lost the job).
    public var jobRedriveAfter: TimeInterval = 60
    /// SQL queue: completed jobs are kept this long for inspection, then deleted.
    public var jobRetention: TimeInterval = 7 * 86400
    /// Public competition reads are answered from memory while nothing changed, for at most
    /// this long (0 turns that off); on PostgreSQL only while the instance hears the others'
    /// writes (`CatalogFeed`), and this bounds whatever was never announced.
    public var readCacheTTL: TimeInterval = 1
    public var mailFailureRate: Double = 0
    public var mailDelay: TimeInterval = 0
    /// Email beyond the mailbox (`MAIL_TRANSPORT`, `SMTP_URL`, `MAIL_FROM`, …).
    public var mail = MailSettings()
    /// Webhook delivery: timeout, retries, concurrency, address policy (`WebhookConfig`).
    public var webhooks = WebhookConfig()

    public init() {}

    public var isProduction: Bool { appEnv == "production" }

    /// Cookies are marked `Secure` (and the CSRF cookie `__Host-`-prefixed) in production and
    /// whenever the web UI's public address is HTTPS.
    public var secureCookies: Bool {
        isProduction || publicWebURL?.lowercased().hasPrefix("https://") == true
    }

    public var messageLinks: MessageLinks {
        MessageLinks(apiBase: publicAPIURL ?? "http://localhost:\(apiPort)", webBase: publicWebURL ?? "http://localhost:\(webPort)")
    }

    public var retryPolicy: RetryPolicy {
        RetryPolicy(maxAttempts: jobMaxAttempts, baseDelay: jobBackoffBase, factor: jobBackoffFactor,
                    maxDelay: jobBackoffMax, jitter: jobBackoffJitter)
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        var config = AppConfig()
        let reader = Reader(env: env)
        config.appEnv = env["APP_ENV"]?.lowercased() ?? config.appEnv
        config.host = env["HOST"] ?? config.host
        config.apiPort = try reader.int("API_PORT", default: config.apiPort, in: 1...65535)
        config.webPort = try reader.int("WEB_PORT", default: config.webPort, in: 1...65535)
        config.publicAPIURL = env["PUBLIC_API_URL"].flatMap { $0.isEmpty ? nil : $0 }
        config.publicWebURL = env["PUBLIC_WEB_URL"].flatMap { $0.isEmpty ? nil : $0 }
        config.databaseURL = env["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            config.redis = try RedisConfiguration.fromEnvironment(env)
        } catch {
            throw Invalid(description: "\(error)")
        }
        // Refused rather than ignored: a deployment still setting it would otherwise move its
        // queue to other keys without a word.
        if let old = env["REDIS_KEY_PREFIX"], !old.isEmpty {
            throw Invalid(description: "REDIS_KEY_PREFIX is no longer read: set REDIS_NAMESPACE instead (default mc:; the queue's keys are under <namespace>jobs:)")
        }
        if let prefix = env["REDIS_NAMESPACE"], !prefix.isEmpty {
            guard prefix.count <= 64, !prefix.contains(where: \.isWhitespace) else {
                throw Invalid(description: "REDIS_NAMESPACE must be at most 64 characters without spaces; got '\(prefix)'")
            }
            config.redisNamespace = RedisNamespace(prefix)
        }
        config.dataDir = env["DATA_DIR"] ?? config.dataDir
        config.jwtSecret = env["JWT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        config.jwtTTL = TimeInterval(try reader.int("JWT_TTL", default: Int(config.jwtTTL), in: 60...(90 * 86400)))
        // A real database is never filled with demo accounts by accident: only when asked.
        config.seedDemoData = try reader.bool("SEED_DEMO_DATA", default: !config.isProduction && config.databaseURL == nil)
        config.demoPassword = env["DEMO_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        config.tokenRevocationRefresh = try reader.double(
            "TOKEN_REVOCATION_REFRESH_MS", default: config.tokenRevocationRefresh * 1000, in: 0...10_000) / 1000
        if let level = env["LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw Invalid(description: "LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical; got '\(level)'")
            }
            config.logLevel = parsed
        }
        if let format = env["LOG_FORMAT"], !format.isEmpty {
            guard let parsed = LogFormat(rawValue: format.lowercased()) else {
                throw Invalid(description: "LOG_FORMAT must be text, logfmt or json; got '\(format)'")
            }
            config.logFormat = parsed
        }
        config.corsOrigin = env["CORS_ORIGIN"].flatMap { $0.isEmpty ? nil : $0 }
        config.bcryptCost = try reader.int("BCRYPT_COST", default: config.bcryptCost, in: 4...16)
        // Cheap hashes are for tests and benchmarks; in production they make a stolen
        // database's passwords cheap to crack.
        if config.isProduction, config.bcryptCost < 10 {
            throw Invalid(description: "BCRYPT_COST must be at least 10 when APP_ENV=production; got \(config.bcryptCost)")
        }
        config.bcryptThreads = try reader.int("BCRYPT_THREADS", default: config.bcryptThreads, in: 1...64)
        config.bcryptQueue = try reader.int("BCRYPT_QUEUE", default: config.bcryptQueue, in: 0...10_000)
        config.dbPoolSize = try reader.int("DB_POOL_SIZE", default: config.dbPoolSize, in: 1...100)
        config.loginMaxFailures = try reader.int("LOGIN_MAX_FAILURES", default: config.loginMaxFailures, in: 1...1000)
        config.loginWindow = TimeInterval(try reader.int("LOGIN_WINDOW_SECONDS", default: Int(config.loginWindow), in: 1...86400))
        config.rateLimits.loginPerAddress.limit = try reader.int(
            "LOGIN_ADDRESS_MAX", default: config.rateLimits.loginPerAddress.limit, in: 1...1_000_000)
        config.rateLimits.signupPerAddress.limit = try reader.int(
            "SIGNUP_ADDRESS_MAX", default: config.rateLimits.signupPerAddress.limit, in: 1...1_000_000)
        config.rateLimits.signupPerAddress.window = TimeInterval(try reader.int(
            "SIGNUP_WINDOW_SECONDS", default: Int(config.rateLimits.signupPerAddress.window), in: 1...86400))
        config.rateLimits.registrationsPerUser.limit = try reader.int(
            "REGISTRATION_MAX_PER_MINUTE", default: config.rateLimits.registrationsPerUser.limit, in: 1...1_000_000)
        config.idempotencyLease = TimeInterval(try reader.int("IDEMPOTENCY_LEASE_SECONDS", default: Int(config.idempotencyLease), in: 1...30))
        config.jobMaxAttempts = try reader.int("JOB_MAX_ATTEMPTS", default: config.jobMaxAttempts, in: 1...100)
        config.jobBackoffBase = try reader.double("JOB_BACKOFF_BASE_MS", default: config.jobBackoffBase * 1000, in: 0...3_600_000) / 1000
        config.jobBackoffFactor = try reader.double("JOB_BACKOFF_FACTOR", default: config.jobBackoffFactor, in: 1...10)
        config.jobBackoffMax = try reader.double("JOB_BACKOFF_MAX_SECONDS", default: config.jobBackoffMax, in: 0...86400)
        config.jobBackoffJitter = try reader.double("JOB_BACKOFF_JITTER", default: config.jobBackoffJitter, in: 0...1)
        config.jobLease = try reader.double("JOB_LEASE_SECONDS", default: config.jobLease, in: 1...3600)
        config.workerConcurrency = try reader.int("WORKER_CONCURRENCY", default: config.workerConcurrency, in: 1...1000)
        config.workerPollInterval = try reader.double("WORKER_POLL_MS", default: config.workerPollInterval * 1000, in: 10...60_000) / 1000
        config.reminderInterval = try reader.double("REMINDER_INTERVAL_SECONDS", default: config.reminderInterval, in: 1...86400)
        config.jobRedriveAfter = try reader.double("JOB_REDRIVE_AFTER_SECONDS", default: config.jobRedriveAfter, in: 1...86400)
        config.jobRetention = try reader.double("JOB_RETENTION_HOURS", default: config.jobRetention / 3600, in: 0...87600) * 3600
        config.readCacheTTL = try reader.double("READ_CACHE_MS", default: config.readCacheTTL * 1000, in: 0...60_000) / 1000
        config.mailFailureRate = try reader.double("MAIL_FAILURE_RATE", default: config.mailFailureRate, in: 0...1)
        config.mailDelay = try reader.double("MAIL_DELAY_MS", default: config.mailDelay * 1000, in: 0...600_000) / 1000
        config.mail = try MailSettings.fromEnvironment(env, reader: reader)
        config.webhooks = try WebhookConfig(reader, production: config.isProduction)
        return config
    }

    struct Reader {
        let env: [String: String]

        func int(_ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
            guard let raw = env[name], !raw.isEmpty else { return value }
            guard let parsed = Int(raw), range.contains(parsed) else {
                throw Invalid(description: "\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound); got '\(raw)'")
            }
            return parsed
        }

        func double(_ name: String, default value: Double, in range: ClosedRange<Double>) throws -> Double {
            guard let raw = env[name], !raw.isEmpty else { return value }
            guard let parsed = Double(raw), parsed.isFinite, range.contains(parsed) else {
                throw Invalid(description: "\(name) must be a number in \(range.lowerBound)...\(range.upperBound); got '\(raw)'")
            }
            return parsed
        }

        func bool(_ name: String, default value: Bool) throws -> Bool {
            guard let raw = env[name]?.lowercased(), !raw.isEmpty else { return value }
            switch raw {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw Invalid(description: "\(name) must be true or false; got '\(raw)'")
            }
        }
    }
}
