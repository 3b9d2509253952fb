import CompeteJobs
import Foundation

/// The job queue in Redis, in the spirit of BullMQ: a `waiting` list, a `delayed` sorted set
/// (by run time) for retries with backoff, an `active` sorted set (by lease end) of claimed
/// jobs, and a hash per job. Every move is one Lua script (``RedisJobScripts``), so it is atomic,
/// and a claim's token must match to settle a job: a worker whose lease ran out cannot finish
/// a job someone else has claimed since.
///
/// The database stays the source of truth (``JobLedger``): the relay copies outbox rows into
/// Redis but the row stays until the job completes or is dead-lettered, and rows relayed longer
/// than `redriveAfter` ago are offered again (adding a job Redis still holds is a no-op). So a
/// job is not lost if Redis is down at relay time (the row waits) or loses its data (the row is
/// relayed again); at worst it runs twice, which the mailbox's one-message-per-job rule absorbs.
/// Dead letters go to the database.
public struct RedisJobQueue: JobQueue {
    let redis: RedisClient
    let ledger: any JobLedger
    let prefix: String
    let redriveAfter: TimeInterval

    /// `prefix` namespaces every key (`<prefix>waiting`, `<prefix>job:<id>`, …), so several
    /// deployments or test runs can share one Redis.
    public init(redis: RedisClient, ledger: any JobLedger, prefix: String, redriveAfter: TimeInterval) {
        self.redis = redis
        self.ledger = ledger
        self.prefix = prefix
        self.redriveAfter = redriveAfter
    }

    private var waiting: String { prefix + "waiting" }
    private var delayed: String { prefix + "delayed" }
    private var active: String { prefix + "active" }
    private var completed: String { prefix + "completed" }

    public func relayOutbox(limit: Int, now: Date) async throws -> Int {
        let (redis, prefix, waiting) = (self.redis, self.prefix, self.waiting)
        return try await ledger.relay(limit: limit, now: now, redriveBefore: now.addingTimeInterval(-redriveAfter)) { entries in
            var arguments = [RedisArgument(prefix)]
            for entry in entries {
                arguments += [
                    RedisArgument(entry.id.uuidString.lowercased()), RedisArgument(entry.type),
                    RedisArgument(entry.payload), RedisArgument(milliseconds(entry.createdAt)),
                ]
            }
            _ = try await redis.eval(RedisJobScripts.add, keys: [waiting], arguments: arguments)
        }
    }

    public func claim(limit: Int, now: Date, lease: TimeInterval) async throws -> [Job] {
        let token = UUID()
        let reply = try await redis.eval(
            RedisJobScripts.claim, keys: [waiting, delayed, active],
            arguments: [
                RedisArgument(prefix), RedisArgument(milliseconds(now)), RedisArgument(limit),
                RedisArgument(milliseconds(now.addingTimeInterval(lease))), RedisArgument(token.uuidString),
            ]
        )
        guard let rows = reply.array else { throw RedisError.unexpectedReply(command: "EVAL claim", reply: reply) }
        return try rows.map { row in
            guard let fields = row.array, fields.count == 5,
                  let id = fields[0].string.flatMap(UUID.init(uuidString:)),
                  let type = fields[1].string, let payload = fields[2].string,
                  let created = fields[3].int, let attempts = fields[4].int
            else { throw RedisError.unexpectedReply(command: "EVAL claim", reply: row) }
            return Job(
                id: id, type: type, payload: payload, attempts: attempts, claimToken: token,
                createdAt: Date(timeIntervalSince1970: Double(created) / 1000)
            )
        }
    }

    public func complete(_ job: Job, now: Date) async throws {
        guard try await settle(RedisJobScripts.complete, job, keys: [active, completed]) else { return }
        try await ledger.finish(jobId: job.id)
    }

    public func retry(_ job: Job, error: String, runAt: Date, now: Date) async throws {
        _ = try await settle(RedisJobScripts.retry, job, keys: [active, delayed], [
            RedisArgument(milliseconds(runAt)), RedisArgument(error),
        ])
    }

    public func bury(_ job: Job, error: String, now: Date) async throws {
        guard try await settle(RedisJobScripts.remove, job, keys: [active]) else { return }
        try await ledger.bury(DeadLetter(
            jobId: job.id, type: job.type, payload: job.payload, attempts: job.attempts,
            lastError: error, createdAt: job.createdAt, failedAt: now
        ))
    }

    /// Completed jobs leave Redis (and the outbox) as they complete; only their count remains.
    public func purgeCompleted(before cutoff: Date) async throws -> Int {
        0
    }

    public func stats() async throws -> QueueStats {
        let replies = try await redis.pipeline([["LLEN", waiting], ["ZCARD", delayed], ["ZCARD", active], ["GET", completed]])
        let counts = try replies.map { reply in
            guard let count = reply.isNull ? 0 : reply.int else { throw RedisError.unexpectedReply(command: "stats", reply: reply) }
            return count
        }
        let ledger = try await self.ledger.counts()
        // Delayed jobs (retries in backoff) count as waiting, as in the SQL queue.
        return QueueStats(
            outbox: ledger.unrelayed, waiting: counts[0] + counts[1], active: counts[2], completed: counts[3], dead: ledger.dead
        )
    }

    public func deadLetters(limit: Int) async throws -> [DeadLetter] {
        try await ledger.deadLetters(limit: limit)
    }

    public func requeueDead(ids: [UUID]?, now: Date) async throws -> Int {
        try await ledger.requeueDead(ids: ids, now: now)
    }

    /// Runs a settling script for a claimed job; true when the claim was still ours.
    private func settle(_ script: String, _ job: Job, keys: [String], _ extra: [RedisArgument] = []) async throws -> Bool {
        let arguments = [RedisArgument(prefix), RedisArgument(job.id.uuidString.lowercased()), RedisArgument(job.claimToken.uuidString)]
        return try await redis.eval(script, keys: keys, arguments: arguments + extra).int == 1
    }
}

/// Redis scores and stored times are whole milliseconds since 1970.
private func milliseconds(_ date: Date) -> Int {
    Int((date.timeIntervalSince1970 * 1000).rounded())
}
