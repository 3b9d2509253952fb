import CompeteJobs
import CompeteRedis
import CompeteStore
import Foundation
import Testing

/// The Redis job queue keeps the database as its source of truth: a job Redis never got (it
/// was down) or lost (restarted without persistence) is relayed again from the outbox and
/// delivered once. Reported as skipped without PostgreSQL and Redis (CI requires both).
@Suite(.serialized, .enabled(if: Backend.all.contains(.postgresRedis)))
struct RedisQueueTests {
    @Test func jobsRedisLostAreRelayedAgainAndDeliveredOnce() async throws {
        try await withServer(.postgresRedis, configure: { $0.jobRedriveAfter = 5 }) { server in
            server.clock.freeze()
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer)
            for _ in 0..<3 { _ = try await server.register(try await server.signup(), for: id) }
            let queue = server.system.queue

            #expect(try await queue.relayOutbox(limit: 100, now: server.clock.now()) == 3)
            #expect(try await queue.stats() == QueueStats(outbox: 0, waiting: 3, active: 0, completed: 0, dead: 0))
            // Offered again after the redrive delay, a job Redis still holds is not added twice.
            server.clock.advance(by: 6)
            #expect(try await queue.relayOutbox(limit: 100, now: server.clock.now()) == 3)
            #expect(try await server.unfinishedJobs().count == 3)

            // Redis loses everything of ours.
            try await server.deleteRedisKeys()
            let worker = server.worker { $0 }
            #expect(try await worker.tick() == 0, "relayed 0 s ago: not offered again yet")
            server.clock.advance(by: 6)
            #expect(try await worker.tick() == 3)
            #expect(try await server.mailCount(kind: "confirmation") == 3)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM outbox") == 0, "finished jobs leave the outbox")
            server.clock.advance(by: 60)
            #expect(try await worker.tick() == 0)
            let perUser = try await server.messagesPerUser(kind: "confirmation")
            #expect(perUser.count == 3 && perUser.values.allSatisfy { $0 == 1 })
        }
    }

    @Test func outboxWaitsWhileRedisIsDownAndTheRelayCatchesUp() async throws {
        try await withServer(.postgresRedis) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer)
            for _ in 0..<2 { _ = try await server.register(try await server.signup(), for: id) }

            let unreachable = RedisClient(configuration: try RedisConfiguration(
                url: "redis://127.0.0.1:9/0", connectTimeout: .milliseconds(300), commandTimeout: .milliseconds(300)
            ))
            let down = RedisJobQueue(
                redis: unreachable, ledger: SQLJobLedger(context: SQLContext(database: server.system.app.db)),
                prefix: server.system.config.redisNamespace.jobs, redriveAfter: 60
            )
            await #expect(throws: RedisError.self) { try await down.relayOutbox(limit: 100, now: server.clock.now()) }
            await unreachable.close()
            #expect(try await server.system.queue.stats().outbox == 2, "nothing is marked relayed when Redis did not take it")

            try await server.drain([server.worker { $0 }])
            #expect(try await server.mailCount(kind: "confirmation") == 2)
            #expect(try await server.system.queue.stats() == QueueStats(outbox: 0, waiting: 0, active: 0, completed: 2, dead: 0))
        }
    }
}

extension TestServer {
    /// Deletes every Redis key of this server's queue, as a Redis restart without persistence would.
    func deleteRedisKeys() async throws {
        let redis = RedisClient(configuration: try #require(system.config.redis))
        let keys = try await redis.send("KEYS", arguments: [RedisArgument("\(system.config.redisNamespace.jobs)*")]).array?.compactMap(\.string) ?? []
        if !keys.isEmpty { try await redis.del(keys) }
        await redis.close()
    }
}
