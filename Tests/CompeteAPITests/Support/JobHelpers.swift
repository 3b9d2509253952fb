import CompeteJobs
import Foundation
import SQLKit

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
