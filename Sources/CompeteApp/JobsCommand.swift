import ArgumentParser
import Foundation

/// `mini-compete jobs stats | failed [--limit N] | retry (ID… | --all)`: the queue, for operators.
/// Works the same with the SQL queue and the Redis one (dead letters are in the database).
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Inspect the job queue and re-queue dead-lettered jobs.",
        subcommands: [Stats.self, Failed.self, Retry.self]
    )

    /// Without a subcommand there is nothing to do: a usage error (with this command's usage),
    /// not a silent success.
    func run() async throws {
        let help = MiniCompeteCommand.helpMessage(for: Self.self)
        FileHandle.standardError.write(Data("Error: name what to do: stats, failed or retry\n\n\(help)\n".utf8))
        throw ExitCode.validationFailure
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Job counts by state: outbox, waiting, active, completed, dead."
        )

        func run() async throws {
            try await CommandRunner.run("jobs stats") { system in
                let stats = try await system.queue.stats()
                write("""
                    outbox     \(stats.outbox)
                    waiting    \(stats.waiting)
                    active     \(stats.active)
                    completed  \(stats.completed)
                    dead       \(stats.dead)
                    """)
            }
        }
    }

    struct Failed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List dead-lettered jobs with their payload, last error, attempts and timestamps."
        )

        @Option(help: "List at most this many.")
        var limit = 100

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be a positive number") }
        }

        func run() async throws {
            try await CommandRunner.run("jobs failed") { system in
                let dead = try await system.queue.deadLetters(limit: limit)
                if dead.isEmpty { write("no dead-lettered jobs") }
                for letter in dead {
                    write("""
                        \(letter.jobId.uuidString.lowercased())  \(letter.type)  attempts=\(letter.attempts)  failed=\(letter.failedAt.formatted(.iso8601))  enqueued=\(letter.createdAt.formatted(.iso8601))
                          error:   \(letter.lastError)
                          payload: \(letter.payload)
                        """)
                }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-queue dead-lettered jobs with fresh attempts."
        )

        @Argument(help: "Ids of dead-lettered jobs, as `jobs failed` lists them.", transform: Self.jobID)
        var ids: [UUID] = []

        @Flag(help: "Re-queue every dead-lettered job.")
        var all = false

        func validate() throws {
            if all, !ids.isEmpty { throw ValidationError("give job ids or --all, not both") }
            if !all, ids.isEmpty { throw ValidationError("give the ids of the jobs to re-queue (see `mini-compete jobs failed`), or --all") }
        }

        func run() async throws {
            try await CommandRunner.run("jobs retry") { system in
                let count = try await system.queue.requeueDead(ids: all ? nil : ids, now: Date())
                write("re-queued \(count) job(s)")
            }
        }

        @Sendable static func jobID(_ text: String) throws -> UUID {
            guard let id = UUID(uuidString: text) else {
                throw ValidationError("'\(text)' is not a job id (a UUID, as `jobs failed` lists them)")
            }
            return id
        }
    }
}

/// Command output goes to standard output as plain lines (logs go through the logger).
private func write(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
