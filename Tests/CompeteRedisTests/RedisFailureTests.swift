import CompeteRedis
import Testing

/// Failures a real Redis will not produce on demand, played by a fake server on 127.0.0.1.
/// These need no Redis and always run.
@Suite(.timeLimit(.minutes(1)))
struct RedisFailureTests {
    @Test func connectingToNothingFailsFastWithAConnectionError() async throws {
        let port = try await RedisServerProcess.freePort()
        let redis = RedisClient(configuration: try RedisConfiguration(host: "127.0.0.1", port: port, connectTimeout: .seconds(2)))
        let error = await #expect(throws: RedisError.self) { try await redis.ping() }
        guard case .connection? = error else {
            Issue.record("expected a connection error, got \(String(describing: error))")
            return
        }
        await redis.close()
    }

    @Test func connectionDroppedMidReplyFailsTheCommand() async throws {
        let server = try await FakeRedisServer.start(.replyThenClose("$10\r\nhello"))
        let redis = RedisClient(configuration: try server.configuration(commandTimeout: .seconds(12)))
        let start = ContinuousClock.now
        let error = await #expect(throws: RedisError.self) { try await redis.send("GET", "key") }
        guard case .connection? = error else {
            Issue.record("expected a connection error, got \(String(describing: error))")
            return
        }
        #expect(ContinuousClock.now - start < .seconds(6), "must fail when the connection drops, not at the timeout")
        await redis.close()
        await server.stop()
    }

    @Test func droppedConnectionFailsEveryCommandInFlight() async throws {
        let server = try await FakeRedisServer.start(.replyThenClose("*3\r\n:1\r\n:2\r\n"))
        let connection = try await RedisConnection.connect(to: try server.configuration(commandTimeout: .seconds(12)))
        let start = ContinuousClock.now
        let failures = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    do {
                        _ = try await connection.send(["LRANGE", "k", "0", "-1"])
                        return false
                    } catch {
                        return true
                    }
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(failures == 20)
        #expect(ContinuousClock.now - start < .seconds(6))
        #expect(!connection.isActive)
        await server.stop()
    }

    @Test func commandTimeoutFailsTheCommandAndClosesTheConnection() async throws {
        let server = try await FakeRedisServer.start(.silent)
        let redis = RedisClient(configuration: try server.configuration(commandTimeout: .milliseconds(300)))
        let start = ContinuousClock.now
        let error = await #expect(throws: RedisError.self) { try await redis.ping() }
        let elapsed = ContinuousClock.now - start
        guard case .timeout? = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(5))
        // The late reply could be taken for the next command's, so the connection must go...
        try await waitUntil { server.closed == 1 }
        // ...and the next command opens a new one.
        await #expect(throws: RedisError.self) { try await redis.ping() }
        // The fake server counts the connection on its own thread, possibly after the command
        // has already timed out on ours (seen under load average 5).
        try await waitUntil { server.accepted == 2 }
        await redis.close()
        await server.stop()
    }

    @Test func malformedReplyFailsTheCommandAndClosesTheConnection() async throws {
        let server = try await FakeRedisServer.start(.reply("!garbage\r\n"))
        let redis = RedisClient(configuration: try server.configuration())
        let error = await #expect(throws: RedisError.self) { try await redis.ping() }
        guard case .protocolViolation? = error else {
            Issue.record("expected a protocol violation, got \(String(describing: error))")
            return
        }
        try await waitUntil { server.closed == 1 }
        await redis.close()
        await server.stop()
    }

    @Test func closeWaitsForRepliesInFlight() async throws {
        let server = try await FakeRedisServer.start(.slowOK(.milliseconds(400)))
        let connection = try await RedisConnection.connect(to: try server.configuration())
        async let reply = connection.send(["SET", "k", "v"])
        try await waitUntil { server.commands == 1 }
        await connection.close()
        #expect(try await reply == .simpleString("OK"), "graceful close must not drop a command already sent")
        #expect(!connection.isActive)
        await #expect(throws: RedisError.self) { try await connection.send(["PING"]) }
        await server.stop()
    }
}

/// Polls `condition` for up to five seconds (generous: the suite shares two cores).
func waitUntil(_ condition: @Sendable () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(5)
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within 5 s")
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}
