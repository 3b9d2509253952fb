@testable import CompeteApp
import CompeteCore
import CompeteRedis
import Foundation
import Logging
import Testing

@Suite struct ConfigTests {
    @Test func defaults() throws {
        let config = try AppConfig.fromEnvironment([:])
        #expect(config.apiPort == 3001 && config.databaseURL == nil && config.dataDir == "./data")
        #expect(config.seedDemoData && !config.isProduction && config.jwtTTL == 86400)
    }

    @Test func readsAndValidatesVariables() throws {
        let config = try AppConfig.fromEnvironment([
            "API_PORT": "8080", "DATABASE_URL": "postgresql://u:p@127.0.0.1:5432/db", "JWT_TTL": "600",
            "SEED_DEMO_DATA": "false", "LOG_LEVEL": "DEBUG", "APP_ENV": "Production",
        ])
        #expect(config.apiPort == 8080 && config.jwtTTL == 600 && !config.seedDemoData && config.logLevel == .debug)
        #expect(config.isProduction && config.databaseURL == "postgresql://u:p@127.0.0.1:5432/db")
        #expect(try !AppConfig.fromEnvironment(["APP_ENV": "production"]).seedDemoData)
        for bad in [["API_PORT": "http"], ["API_PORT": "70000"], ["JWT_TTL": "-1"], ["SEED_DEMO_DATA": "maybe"], ["LOG_LEVEL": "loud"]] {
            #expect(throws: AppConfig.Invalid.self) { try AppConfig.fromEnvironment(bad) }
        }
    }

    /// Cheap hashes are for tests and benchmarks: production refuses to start with them.
    @Test func productionNeedsABcryptCostOfAtLeast10() throws {
        #expect(try AppConfig.fromEnvironment([:]).bcryptCost == 10)
        #expect(try AppConfig.fromEnvironment(["APP_ENV": "production", "BCRYPT_COST": "10"]).bcryptCost == 10)
        #expect(try AppConfig.fromEnvironment(["BCRYPT_COST": "4"]).bcryptCost == 4)
        do {
            _ = try AppConfig.fromEnvironment(["APP_ENV": "production", "BCRYPT_COST": "9"])
            Issue.record("a production cost of 9 was accepted")
        } catch let error as AppConfig.Invalid {
            #expect(error.description.contains("BCRYPT_COST must be at least 10 when APP_ENV=production"))
        }
        let pool = try AppConfig.fromEnvironment(["BCRYPT_THREADS": "1", "BCRYPT_QUEUE": "0"])
        #expect(pool.bcryptThreads == 1 && pool.bcryptQueue == 0)
        #expect(throws: AppConfig.Invalid.self) { try AppConfig.fromEnvironment(["BCRYPT_THREADS": "0"]) }
    }

    @Test func rateLimitSettings() throws {
        let defaults = try AppConfig.fromEnvironment([:])
        #expect(defaults.rateLimits == RateLimits())
        #expect(defaults.rateLimits.loginPerAccount == Budget(limit: 5, window: 900))
        #expect(defaults.rateLimits.loginPerAddress == Budget(limit: 50, window: 900))
        #expect(defaults.rateLimits.signupPerAddress == Budget(limit: 20, window: 3600))
        #expect(defaults.rateLimits.registrationsPerUser == Budget(limit: 10, window: 60))
        let set = try AppConfig.fromEnvironment([
            "LOGIN_MAX_FAILURES": "3", "LOGIN_WINDOW_SECONDS": "60", "LOGIN_ADDRESS_MAX": "7", "SIGNUP_ADDRESS_MAX": "2",
            "SIGNUP_WINDOW_SECONDS": "30", "REGISTRATION_MAX_PER_MINUTE": "4",
        ])
        #expect(set.rateLimits.loginPerAccount == Budget(limit: 3, window: 60))
        #expect(set.rateLimits.loginPerAddress == Budget(limit: 7, window: 60))
        #expect(set.rateLimits.signupPerAddress == Budget(limit: 2, window: 30))
        #expect(set.rateLimits.registrationsPerUser == Budget(limit: 4, window: 60))
        for bad in [["LOGIN_ADDRESS_MAX": "0"], ["SIGNUP_ADDRESS_MAX": "many"], ["REGISTRATION_MAX_PER_MINUTE": "-1"]] {
            #expect(throws: AppConfig.Invalid.self) { try AppConfig.fromEnvironment(bad) }
        }
    }

    @Test func oneRedisNamespaceForEveryKey() throws {
        let defaults = try AppConfig.fromEnvironment([:]).redisNamespace
        #expect(defaults.jobs == "mc:jobs:" && defaults.idempotency == "mc:idem:" && defaults.rateLimits == "mc:rate:")
        let shared = try AppConfig.fromEnvironment(["REDIS_NAMESPACE": "staging:"]).redisNamespace
        #expect(shared.jobs == "staging:jobs:" && shared.idempotency == "staging:idem:" && shared.rateLimits == "staging:rate:")
        for bad in [["REDIS_NAMESPACE": "has space:"], ["REDIS_KEY_PREFIX": "mc:jobs:"]] {
            #expect(throws: AppConfig.Invalid.self) { try AppConfig.fromEnvironment(bad) }
        }
    }

    @Test func jwtSecretRules() throws {
        let logger = Logger(label: "test")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mc-secret-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var config = AppConfig()
        config.dataDir = directory

        let generated = try JWTSecret.resolve(config, logger: logger)
        #expect(generated.utf8.count >= 32)
        #expect(try JWTSecret.resolve(config, logger: logger) == generated, "generated once, then reused")
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/jwt-secret")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        config.jwtSecret = "too-short"
        #expect(throws: AppConfig.Invalid.self) { try JWTSecret.resolve(config, logger: logger) }
        config.jwtSecret = String(repeating: "s", count: 32)
        #expect(try JWTSecret.resolve(config, logger: logger) == config.jwtSecret)

        config.jwtSecret = nil
        config.appEnv = "production"
        #expect(throws: AppConfig.Invalid.self) { try JWTSecret.resolve(config, logger: logger) }
    }
}
