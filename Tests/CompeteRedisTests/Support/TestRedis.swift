import CompeteRedis
import Foundation

/// The Redis server the integration tests use: `TEST_REDIS_URL` (scripts/test starts one).
/// Without it those suites are reported as skipped; with `MC_REQUIRE_REDIS=1` (CI) the
/// availability test fails instead.
enum TestRedis {
    static let url: String? = ProcessInfo.processInfo.environment["TEST_REDIS_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let isRequired = ProcessInfo.processInfo.environment["MC_REQUIRE_REDIS"] == "1"
    static var isAvailable: Bool { url != nil }

    /// The shared server's configuration with test-friendly timeouts.
    static func configuration(poolSize: Int = 4, commandTimeout: Duration = .seconds(5)) throws -> RedisConfiguration {
        guard let url else { throw RedisError.invalidConfiguration("TEST_REDIS_URL is not set") }
        return try RedisConfiguration(url: url, poolSize: poolSize, connectTimeout: .seconds(2), commandTimeout: commandTimeout)
    }

    /// Runs `body` with a client of the shared server and closes the client afterwards, also
    /// when `body` throws.
    static func withClient(poolSize: Int = 4, _ body: (RedisClient) async throws -> Void) async throws {
        let client = RedisClient(configuration: try configuration(poolSize: poolSize))
        do {
            try await body(client)
            await client.close()
        } catch {
            await client.close()
            throw error
        }
    }

    /// Keys unique to one test run, so tests can run in parallel against one server without
    /// flushing it.
    static func key(_ name: String) -> String {
        "mc-test:\(UUID().uuidString):\(name)"
    }
}
