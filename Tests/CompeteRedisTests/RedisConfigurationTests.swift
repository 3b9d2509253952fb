import CompeteRedis
import Testing

@Suite struct RedisConfigurationTests {
    @Test func readsEveryPartOfAURL() throws {
        let config = try RedisConfiguration(url: "redis://app:p%40ss:word@cache.internal:6380/3")
        #expect(config.host == "cache.internal")
        #expect(config.port == 6380)
        #expect(config.username == "app")
        #expect(config.password == "p@ss:word")
        #expect(config.database == 3)
    }

    @Test func fillsDefaultsForAShortURL() throws {
        let config = try RedisConfiguration(url: "redis://localhost")
        #expect(config == (try RedisConfiguration(host: "localhost")))
        #expect(config.port == 6379 && config.database == 0 && config.password == nil && config.username == nil)
        #expect(try RedisConfiguration(url: "REDIS://localhost/").database == 0)
    }

    @Test func passwordWithoutUserAndIPv6Host() throws {
        let config = try RedisConfiguration(url: "redis://:s3cret@[::1]:7000/15")
        #expect(config.host == "::1" && config.port == 7000 && config.database == 15)
        #expect(config.username == nil && config.password == "s3cret")
        #expect(config.description == "redis://:***@[::1]:7000/15", "the password must not be logged")
    }

    @Test(arguments: [
        "localhost:6379", "http://localhost", "rediss://localhost", "redis://", "redis://:pw@",
        "redis://host:0", "redis://host:65536", "redis://host:abc", "redis://host:", "redis://host/x",
        "redis://host/-1", "redis://user@host", "redis://host?timeout=1", "redis://::1:6379",
        "redis://[::1", "redis://:bad%zz@host",
    ])
    func rejectsInvalidURL(url: String) {
        let error = #expect(throws: RedisError.self) { try RedisConfiguration(url: url) }
        guard case .invalidConfiguration(let message)? = error else {
            Issue.record("expected invalidConfiguration, got \(String(describing: error))")
            return
        }
        #expect(message.contains("Redis URL"))
    }

    @Test func errorMessagesNeverRepeatThePassword() {
        let error = #expect(throws: RedisError.self) {
            try RedisConfiguration(url: "redis://:topsecret@host:99999/0")
        }
        #expect(error.map { !"\($0)".contains("topsecret") } == true)
    }

    @Test func environmentWithoutRedisMeansDisabled() throws {
        #expect(try RedisConfiguration.fromEnvironment([:]) == nil)
        #expect(try RedisConfiguration.fromEnvironment(["REDIS_URL": "", "REDIS_HOST": "", "PATH": "/bin"]) == nil)
    }

    @Test func environmentURLWithTuning() throws {
        let config = try #require(try RedisConfiguration.fromEnvironment([
            "REDIS_URL": "redis://:pw@10.0.0.5:6390/2", "REDIS_POOL_SIZE": "8",
            "REDIS_CONNECT_TIMEOUT_MS": "250", "REDIS_COMMAND_TIMEOUT_MS": "1500",
        ]))
        #expect(config.host == "10.0.0.5" && config.port == 6390 && config.database == 2 && config.password == "pw")
        #expect(config.poolSize == 8)
        #expect(config.connectTimeout == .milliseconds(250) && config.commandTimeout == .milliseconds(1500))
    }

    @Test func environmentHostAndParts() throws {
        let config = try #require(try RedisConfiguration.fromEnvironment([
            "REDIS_HOST": "redis", "REDIS_PORT": "6380", "REDIS_PASSWORD": "pw", "REDIS_DB": "4",
        ]))
        #expect(config == (try RedisConfiguration(host: "redis", port: 6380, password: "pw", database: 4)))
        let defaults = try #require(try RedisConfiguration.fromEnvironment(["REDIS_HOST": "redis"]))
        #expect(defaults.port == 6379 && defaults.database == 0 && defaults.poolSize == RedisConfiguration.defaultPoolSize)
    }

    @Test(arguments: [
        (["REDIS_HOST": "redis", "REDIS_PORT": "sixty"], "REDIS_PORT"),
        (["REDIS_HOST": "redis", "REDIS_PORT": "70000"], "REDIS_PORT"),
        (["REDIS_HOST": "redis", "REDIS_DB": "-1"], "REDIS_DB"),
        (["REDIS_HOST": "redis", "REDIS_POOL_SIZE": "0"], "REDIS_POOL_SIZE"),
        (["REDIS_URL": "redis://x", "REDIS_COMMAND_TIMEOUT_MS": "soon"], "REDIS_COMMAND_TIMEOUT_MS"),
        (["REDIS_URL": "redis://x", "REDIS_HOST": "y"], "REDIS_HOST"),
        (["REDIS_PORT": "6379"], "REDIS_HOST"),
        (["REDIS_URL": "postgres://x"], "Redis URL"),
    ])
    func environmentErrorsNameTheVariable(environment: [String: String], variable: String) {
        let error = #expect(throws: RedisError.self) { try RedisConfiguration.fromEnvironment(environment) }
        guard case .invalidConfiguration(let message)? = error else {
            Issue.record("expected invalidConfiguration, got \(String(describing: error))")
            return
        }
        #expect(message.contains(variable), "\(message)")
    }

    @Test func initializerValidates() {
        #expect(throws: RedisError.self) { try RedisConfiguration(host: "") }
        #expect(throws: RedisError.self) { try RedisConfiguration(host: "h", poolSize: 0) }
        #expect(throws: RedisError.self) { try RedisConfiguration(host: "h", commandTimeout: .zero) }
        #expect(throws: RedisError.self) { try RedisConfiguration(host: "h", username: "u") }
    }
}
