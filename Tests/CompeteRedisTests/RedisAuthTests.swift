import CompeteRedis
import Testing

/// AUTH and SELECT against a redis-server of the test's own, started with `--requirepass`.
@Suite(.enabled(if: TestRedis.isAvailable), .timeLimit(.minutes(1)))
struct RedisAuthTests {
    @Test func authenticatesAndSelectsTheDatabase() async throws {
        try await RedisServerProcess.with(password: "s3cret") { server throws in
            let key = TestRedis.key("db")
            let inDB3 = RedisClient(configuration: try server.configuration(password: "s3cret", database: 3))
            let inDB0 = RedisClient(configuration: try RedisConfiguration(url: "redis://:s3cret@127.0.0.1:\(server.port)"))
            try await inDB3.set(key, to: "three")
            #expect(try await inDB3.get(key) == "three")
            #expect(try await inDB0.get(key) == nil, "SELECT must put the key in database 3 only")
            let clientInfo = try await inDB3.send("CLIENT", "INFO").string ?? ""
            #expect(clientInfo.contains("db=3"))
            await inDB3.close()
            await inDB0.close()
        }
    }

    @Test func missingOrWrongPasswordIsAServerError() async throws {
        try await RedisServerProcess.with(password: "s3cret") { server throws in
            let anonymous = RedisClient(configuration: try server.configuration())
            let noAuth = await #expect(throws: RedisError.self) { try await anonymous.ping() }
            #expect(noAuth.map { "\($0)".contains("NOAUTH") } == true)
            await anonymous.close()

            let wrong = RedisClient(configuration: try server.configuration(password: "guess"))
            let refused = await #expect(throws: RedisError.self) { try await wrong.ping() }
            #expect(refused.map { "\($0)".contains("WRONGPASS") } == true)
            await wrong.close()
        }
    }

    @Test func authenticatesAnACLUserFromAURL() async throws {
        try await RedisServerProcess.with(password: "s3cret") { server throws in
            let admin = RedisClient(configuration: try server.configuration(password: "s3cret"))
            _ = try await admin.send("ACL", "SETUSER", "app", "on", ">app pass", "~*", "+@all")
            await admin.close()
            let app = RedisClient(configuration: try RedisConfiguration(url: "redis://app:app%20pass@127.0.0.1:\(server.port)/1"))
            #expect(try await app.send("ACL", "WHOAMI") == .bulkString("app"))
            await app.close()
        }
    }
}
