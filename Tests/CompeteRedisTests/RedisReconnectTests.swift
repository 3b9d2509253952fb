import CompeteRedis
import Testing

/// The client outlives a Redis restart: commands fail while Redis is down and the first one
/// after it is back succeeds, on a redis-server the test stops and starts itself.
@Suite(.enabled(if: TestRedis.isAvailable), .timeLimit(.minutes(1)))
struct RedisReconnectTests {
    @Test func reconnectsAfterTheServerRestarts() async throws {
        try await RedisServerProcess.with { server throws in
            let redis = RedisClient(configuration: try server.configuration(poolSize: 2))
            // Open both pooled connections before the restart.
            #expect(try await redis.set("before", to: "restart"))
            #expect(try await redis.ping() == "PONG")

            await server.stop()
            await #expect(throws: RedisError.self) { try await redis.ping() }

            try await server.start()
            // Every pooled connection died with the old server; each must be replaced on use.
            for _ in 0..<4 {
                #expect(try await redis.ping() == "PONG")
            }
            #expect(try await redis.get("before") == nil, "the restarted server started empty (--save '')")
            await redis.close()
        }
    }
}
