import CompeteCore
import CompeteJobs
import CompeteRedis
import CompeteStore
import NIOConcurrencyHelpers
import Foundation
import SQLKit

/// An unfinished job as its queue stores it (SQL `jobs` table or Redis), for tests that look
/// inside. `runAt` is when a job waiting for its backoff becomes due.
struct QueuedJob {
    let id: UUID
    let attempts: Int
    let runAt: Date?
    let lastError: String?
    let active: Bool
}

extension TestServer {
    /// Runs the workers side by side until the outbox and queue hold no unfinished job.
    func drain(_ workers: [Worker], maxRounds: Int = 500) async throws {
        for _ in 0..<maxRounds {
            let stats = try await system.queue.stats()
            if stats.outbox + stats.waiting + stats.active == 0 { return }
            try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in workers { group.addTask { try await worker.tick() } }
                try await group.waitForAll()
            }
        }
        throw TestFailure("queue not drained: \(try await system.queue.stats())")
    }

    func unfinishedJobs() async throws -> [QueuedJob] {
        guard let configuration = system.config.redis else {
            return try await sql.raw("""
                SELECT id, attempts, run_at, last_error, status FROM jobs WHERE status IN ('waiting', 'active')
                """).all().map { row in
                    QueuedJob(
                        id: try row.decode(column: "id", as: UUID.self), attempts: try row.decode(column: "attempts", as: Int.self),
                        runAt: try row.decode(column: "run_at", as: Date.self),
                        lastError: try row.decode(column: "last_error", as: String?.self),
                        active: try row.decode(column: "status", as: String.self) == "active"
                    )
                }
        }
        let redis = RedisClient(configuration: configuration)
        do {
            let jobs = try await redisJobs(redis, prefix: system.config.redisNamespace.jobs)
            await redis.close()
            return jobs
        } catch {
            await redis.close()
            throw error
        }
    }

    private func redisJobs(_ redis: RedisClient, prefix: String) async throws -> [QueuedJob] {
        let delayed = try await redis.send("ZRANGE", arguments: ["\(prefix)delayed", 0, -1, "WITHSCORES"]).array ?? []
        var runAt: [String: Date] = [:]
        for index in stride(from: 0, to: delayed.count - 1, by: 2) {
            runAt[delayed[index].string ?? ""] = delayed[index + 1].string.flatMap(Double.init).map { Date(timeIntervalSince1970: $0 / 1000) }
        }
        let active = Set(try await redis.send("ZRANGE", arguments: ["\(prefix)active", 0, -1]).array?.compactMap(\.string) ?? [])
        var jobs: [QueuedJob] = []
        for id in Array(runAt.keys) + Array(active) + (try await redis.lrange("\(prefix)waiting")) {
            let fields = try await redis.send("HMGET", arguments: [RedisArgument("\(prefix)job:\(id)"), "attempts", "error"]).array ?? []
            guard let uuid = UUID(uuidString: id), fields.count == 2 else { throw TestFailure("unreadable Redis job \(id): \(fields)") }
            jobs.append(QueuedJob(
                id: uuid, attempts: fields[0].int ?? 0, runAt: runAt[id], lastError: fields[1].string, active: active.contains(id)
            ))
        }
        return jobs
    }

    func mailCount(kind: String) async throws -> Int {
        try await count("SELECT COUNT(*) AS n FROM mailbox WHERE kind = \(bind: kind)")
    }

    /// How many messages of `kind` each registration's user got, keyed by user id.
    func messagesPerUser(kind: String) async throws -> [UUID: Int] {
        let rows = try await sql.raw("""
            SELECT user_id, COUNT(*) AS n FROM mailbox WHERE kind = \(bind: kind) GROUP BY user_id
            """).all()
        var result: [UUID: Int] = [:]
        for row in rows {
            result[try row.decode(column: "user_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self)
        }
        return result
    }

    /// The environment for a `mini-compete` child process sharing this server's database.
    func childEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["JWT_SECRET"] = TestServer.jwtSecret
        env["SEED_DEMO_DATA"] = "false"
        env["LOG_LEVEL"] = "warning"
        env["DATA_DIR"] = system.config.dataDir
        if let url = system.config.databaseURL { env["DATABASE_URL"] = url } else { env["DATABASE_URL"] = nil }
        env["REDIS_URL"] = system.config.redis == nil ? nil : Backend.redisURL
        env["REDIS_NAMESPACE"] = system.config.redisNamespace.prefix
        for (key, value) in extra { env[key] = value }
        return env
    }
}

/// The `mini-compete` executable built next to the tests (`swift build --build-tests` builds it).
enum Executable {
    static var url: URL {
        if let path = ProcessInfo.processInfo.environment["MC_BINARY"] { return URL(fileURLWithPath: path) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/mini-compete")
    }

    static func start(_ arguments: [String], environment: [String: String]) throws -> Process {
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw TestFailure("\(url.path) is missing: run `swift build --build-tests` first (scripts/test does)")
        }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = Pipe()
        try process.run()
        return process
    }

    /// Runs a command to completion and returns its standard output.
    static func run(_ arguments: [String], environment: [String: String]) async throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw TestFailure("\(url.path) is missing: run `swift build --build-tests` first (scripts/test does)")
        }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// Counts delivery attempts on their way to the wrapped transport.
final class CountingTransport: MailTransport {
    let base: any MailTransport
    private let attempts = NIOLockedValueBox(0)

    init(base: any MailTransport) {
        self.base = base
    }

    var count: Int { attempts.withLockedValue { $0 } }

    func deliver(_ message: MailMessage, jobId: UUID, now: Date) async throws {
        attempts.withLockedValue { $0 += 1 }
        try await base.deliver(message, jobId: jobId, now: now)
    }
}

extension TestServer {
    /// A worker on this server's queue delivering through `transport` into the real mailbox.
    func worker(transport: (SQLMailbox) -> any MailTransport) -> Worker {
        let mailbox = SQLMailbox(context: SQLContext(database: system.app.db))
        return Worker(
            queue: system.queue, handler: JobHandler(contexts: mailbox, transport: transport(mailbox), links: system.messageLinks, templates: system.mailTemplates),
            settings: WorkerSettings(batchSize: 10, lease: 30, retry: system.config.retryPolicy),
            now: { [clock] in clock.now() }, logger: system.app.logger
        )
    }
}
