import CompeteRedis
import Testing

/// Makes a missing Redis visible: reported as skipped when the integration suites are not
/// running, and failing in CI (MC_REQUIRE_REDIS=1) instead of letting them skip.
@Suite struct RedisAvailabilityTests {
    @Test("Redis integration tests run", .enabled(if: TestRedis.isAvailable || TestRedis.isRequired))
    func redisConfigured() async throws {
        _ = try #require(TestRedis.url, "MC_REQUIRE_REDIS=1 but TEST_REDIS_URL is not set")
        #expect(RedisServerProcess.binary != nil, "the restart and AUTH tests need redis-server installed locally")
        try await TestRedis.withClient { redis throws in
            #expect(try await redis.ping() == "PONG")
        }
    }
}
