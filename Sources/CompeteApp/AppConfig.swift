import Foundation
import Logging

/// Every setting, read once from the environment. See `.env.example` for the documentation of
/// each variable.
public struct AppConfig: Sendable {
    public var appEnv: String = "development"
    public var host: String = "127.0.0.1"
    public var apiPort: Int = 3001
    public var databaseURL: String?
    public var dataDir: String = "./data"
    public var jwtSecret: String?
    public var jwtTTL: TimeInterval = 24 * 3600
    public var seedDemoData: Bool = true
    public var logLevel: Logger.Level = .info
    public var bcryptCost: Int = 10
    public var dbPoolSize: Int = 4
    public var loginMaxFailures: Int = 5
    public var loginWindow: TimeInterval = 15 * 60
    public var idempotencyLease: TimeInterval = 30

    public init() {}

    public var isProduction: Bool { appEnv == "production" }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        var config = AppConfig()
        let reader = Reader(env: env)
        config.appEnv = env["APP_ENV"]?.lowercased() ?? config.appEnv
        config.host = env["HOST"] ?? config.host
        config.apiPort = try reader.int("API_PORT", default: config.apiPort, in: 1...65535)
        config.databaseURL = env["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        config.dataDir = env["DATA_DIR"] ?? config.dataDir
        config.jwtSecret = env["JWT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        config.jwtTTL = TimeInterval(try reader.int("JWT_TTL", default: Int(config.jwtTTL), in: 60...(90 * 86400)))
        config.seedDemoData = try reader.bool("SEED_DEMO_DATA", default: !config.isProduction)
        if let level = env["LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw Invalid(description: "LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical; got '\(level)'")
            }
            config.logLevel = parsed
        }
        config.bcryptCost = try reader.int("BCRYPT_COST", default: config.bcryptCost, in: 4...16)
        config.dbPoolSize = try reader.int("DB_POOL_SIZE", default: config.dbPoolSize, in: 1...100)
        config.loginMaxFailures = try reader.int("LOGIN_MAX_FAILURES", default: config.loginMaxFailures, in: 1...1000)
        config.loginWindow = TimeInterval(try reader.int("LOGIN_WINDOW_SECONDS", default: Int(config.loginWindow), in: 1...86400))
        config.idempotencyLease = TimeInterval(try reader.int("IDEMPOTENCY_LEASE_SECONDS", default: Int(config.idempotencyLease), in: 1...30))
        return config
    }

    private struct Reader {
        let env: [String: String]

        func int(_ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
            guard let raw = env[name], !raw.isEmpty else { return value }
            guard let parsed = Int(raw), range.contains(parsed) else {
                throw Invalid(description: "\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound); got '\(raw)'")
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
