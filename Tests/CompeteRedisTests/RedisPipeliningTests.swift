import CompeteRedis
import Testing

/// Many commands in flight at once on few connections, against TEST_REDIS_URL.
@Suite(.enabled(if: TestRedis.isAvailable), .timeLimit(.minutes(1)))
struct RedisPipeliningTests {
    @Test func pipelineOfAThousandCommandsKeepsOrder() async throws {
        try await TestRedis.withClient { redis throws in
            let key = TestRedis.key("pipelined")
            let replies = try await redis.pipeline(Array(repeating: ["INCR", key], count: 1000))
            #expect(replies == (1...1000).map { RESPValue.integer($0) })
            #expect(try await redis.del([key]) == 1)
        }
    }

    @Test func pipelineReturnsErrorRepliesInPlace() async throws {
        try await TestRedis.withClient { redis throws in
            let key = TestRedis.key("mixed")
            let replies = try await redis.pipeline([["SET", key, "text"], ["INCR", key], ["GET", key], ["DEL", key]])
            #expect(replies.count == 4)
            #expect(replies[0] == .simpleString("OK"))
            #expect(replies[1].error?.hasPrefix("ERR") == true)
            #expect(replies[2] == .bulkString("text"))
            #expect(replies[3] == .integer(1))
            #expect(try await redis.pipeline([]) == [])
            await #expect(throws: RedisError.self) { try await redis.pipeline([["PING"], []]) }
        }
    }

    @Test func concurrentTasksGetTheirOwnReplies() async throws {
        try await TestRedis.withClient(poolSize: 3) { redis throws in
            let counter = TestRedis.key("shared-counter")
            let keys = (0..<200).map { TestRedis.key("task-\($0)") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, key) in keys.enumerated() {
                    group.addTask {
                        for round in 0..<10 {
                            let value = "task \(index) round \(round)"
                            try await redis.set(key, to: RedisArgument(value))
                            _ = try await redis.incr(counter)
                            // A reply matched to the wrong command would show up here.
                            #expect(try await redis.get(key) == value)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await redis.get(counter) == "2000")
            #expect(try await redis.del(keys + [counter]) == 201)
        }
    }

    @Test func closeFailsLaterCommands() async throws {
        let redis = RedisClient(configuration: try TestRedis.configuration())
        #expect(try await redis.ping() == "PONG")
        await redis.close()
        await #expect(throws: RedisError.closed) { try await redis.ping() }
        await redis.close()
    }
}
