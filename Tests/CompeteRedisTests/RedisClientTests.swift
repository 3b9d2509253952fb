import CompeteRedis
import NIOCore
import Testing

/// Round trips against the real server named by TEST_REDIS_URL.
@Suite(.enabled(if: TestRedis.isAvailable), .timeLimit(.minutes(1)))
struct RedisClientTests {
    @Test func setAndGetTextUnicodeEmptyAndMissing() async throws {
        try await TestRedis.withClient { redis throws in
            let key = TestRedis.key("text")
            for value in ["hello", "Zürich → 東京 🏁", "", String(repeating: "ab\r\n", count: 1000)] {
                #expect(try await redis.set(key, to: RedisArgument(value)))
                #expect(try await redis.get(key) == value)
            }
            #expect(try await redis.get(TestRedis.key("never-set")) == nil)
            #expect(try await redis.del([key, TestRedis.key("never-set")]) == 1)
        }
    }

    @Test func setAndGetBinaryIncludingLargeValues() async throws {
        try await TestRedis.withClient { redis throws in
            let key = TestRedis.key("binary")
            let everyByte = (0...255).map { UInt8($0) } + [13, 10, 0, 36, 42]
            try await redis.set(key, to: RedisArgument(everyByte), expireAfterMilliseconds: 60_000)
            #expect(try await redis.getBytes(key).map { Array($0.readableBytesView) } == everyByte)

            let large = patternedBytes(count: 5 * 1024 * 1024)
            try await redis.set(key, to: RedisArgument(large), expireAfterMilliseconds: 60_000)
            #expect(try await redis.getBytes(key) == large)
            try await redis.del([key])
        }
    }

    @Test func setOnlyIfAbsentWithExpiry() async throws {
        try await TestRedis.withClient { redis throws in
            let key = TestRedis.key("lock")
            #expect(try await redis.set(key, to: "owner-1", onlyIfAbsent: true, expireAfterMilliseconds: 5_000))
            #expect(try await redis.set(key, to: "owner-2", onlyIfAbsent: true, expireAfterMilliseconds: 5_000) == false)
            #expect(try await redis.get(key) == "owner-1", "NX must not overwrite")
            #expect((1...5_000).contains(try await redis.pttl(key)))

            // Expiry is checked by polling, not by sleeping a fixed time: the suite runs in
            // parallel on two busy cores, where a fixed sleep races the scheduler.
            let shortLived = TestRedis.key("short-lived")
            #expect(try await redis.set(shortLived, to: "x", onlyIfAbsent: true, expireAfterMilliseconds: 100))
            let deadline = ContinuousClock.now + .seconds(5)
            while try await redis.get(shortLived) != nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await redis.get(shortLived) == nil, "PX must expire the key")

            try await redis.del([key])
            #expect(try await redis.set(key, to: "owner-2", onlyIfAbsent: true))
            #expect(try await redis.pttl(key) == -1, "no PX means no expiry")
            #expect(try await redis.pexpire(key, milliseconds: 10_000))
            #expect((1...10_000).contains(try await redis.pttl(key)))
            #expect(try await redis.pttl(TestRedis.key("missing")) == -2)
            try await redis.del([key])
        }
    }

    @Test func evalAndEvalshaWithKeysAndArguments() async throws {
        try await TestRedis.withClient { redis throws in
            let key = TestRedis.key("counter")
            let script = "return redis.call('INCRBY', KEYS[1], ARGV[1])"
            #expect(try await redis.eval(script, keys: [key], arguments: [5]) == .integer(5))
            let sha = try await redis.scriptLoad(script)
            #expect(sha.count == 40)
            #expect(try await redis.evalsha(sha, keys: [key], arguments: ["7"]) == .integer(12))

            let shaped = try await redis.eval("return {1, 'two', {ARGV[1]}, false}", arguments: ["x"])
            #expect(shaped == .array([.integer(1), .bulkString("two"), .array([.bulkString("x")]), .bulkString(nil)]))

            await #expect(throws: RedisError.server("ERR refused by script")) {
                try await redis.eval("return redis.error_reply('ERR refused by script')")
            }
            let missing = await #expect(throws: RedisError.self) {
                try await redis.evalsha(String(repeating: "0", count: 40))
            }
            #expect(missing.map { "\($0)".contains("NOSCRIPT") } == true)
            try await redis.del([key])
        }
    }

    @Test func serverErrorsAreThrownAndTheConnectionStaysUsable() async throws {
        try await TestRedis.withClient(poolSize: 1) { redis throws in
            let key = TestRedis.key("list")
            try await redis.rpush(key, ["a"])
            let error = await #expect(throws: RedisError.self) { try await redis.incr(key) }
            #expect(error.map { "\($0)".contains("WRONGTYPE") } == true)
            await #expect(throws: RedisError.self) { try await redis.send("NO-SUCH-COMMAND") }
            #expect(try await redis.ping() == "PONG")
            try await redis.del([key])
        }
    }

    @Test func listSortedSetAndHashHelpers() async throws {
        try await TestRedis.withClient { redis throws in
            let list = TestRedis.key("list")
            #expect(try await redis.rpush(list, ["b", "c", "b"]) == 3)
            #expect(try await redis.lpush(list, ["a"]) == 4)
            #expect(try await redis.lrange(list) == ["a", "b", "c", "b"])
            #expect(try await redis.lrem(list, count: 0, value: "b") == 2)
            #expect(try await redis.lrange(list, from: 0, to: 0) == ["a"])

            let zset = TestRedis.key("zset")
            #expect(try await redis.zadd(zset, score: 30, member: "late") == 1)
            #expect(try await redis.zadd(zset, score: 10, member: "early") == 1)
            #expect(try await redis.zadd(zset, score: 20.5, member: "middle") == 1)
            #expect(try await redis.zadd(zset, score: 20, member: "middle") == 0)
            #expect(try await redis.zrangebyscore(zset, min: -.infinity, max: .infinity) == ["early", "middle", "late"])
            #expect(try await redis.zrangebyscore(zset, min: 15, max: 30, limit: (offset: 1, count: 5)) == ["late"])
            #expect(try await redis.zrem(zset, ["early", "nobody"]) == 1)

            let hash = TestRedis.key("hash")
            #expect(try await redis.hset(hash, field: "name", to: "Ada") == 1)
            #expect(try await redis.hset(hash, field: "name", to: "Grace") == 0)
            #expect(try await redis.hget(hash, field: "name") == "Grace")
            #expect(try await redis.hget(hash, field: "age") == nil)
            #expect(try await redis.hdel(hash, ["name", "age"]) == 1)
            #expect(try await redis.del([list, zset, hash]) == 2)
        }
    }
}
