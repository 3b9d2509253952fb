import CompeteJobs
import Foundation

/// `mini-compete jobs stats | failed [--limit N] | retry ID… | retry --all`.
enum JobsCommand {
    struct Usage: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ arguments: [String], system: MiniCompete) async throws {
        let queue = system.queue
        let now = Date()
        switch arguments.first {
        case "stats":
            let stats = try await queue.stats()
            write("""
                outbox     \(stats.outbox)
                waiting    \(stats.waiting)
                active     \(stats.active)
                completed  \(stats.completed)
                dead       \(stats.dead)
                """)
        case "failed":
            var limit = 100
            if let index = arguments.firstIndex(of: "--limit") {
                guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else {
                    throw Usage(description: "--limit needs a positive number")
                }
                limit = value
            }
            let dead = try await queue.deadLetters(limit: limit)
            if dead.isEmpty { write("no dead-lettered jobs") }
            for letter in dead {
                write("""
                    \(letter.jobId.uuidString.lowercased())  \(letter.type)  attempts=\(letter.attempts)  failed=\(letter.failedAt.formatted(.iso8601))  enqueued=\(letter.createdAt.formatted(.iso8601))
                      error:   \(letter.lastError)
                      payload: \(letter.payload)
                    """)
            }
        case "retry":
            let targets = Array(arguments.dropFirst())
            let ids: [UUID]?
            if targets == ["--all"] {
                ids = nil
            } else {
                let parsed = targets.compactMap(UUID.init(uuidString:))
                guard !targets.isEmpty, parsed.count == targets.count else {
                    throw Usage(description: "jobs retry needs job ids (see `jobs failed`) or --all")
                }
                ids = parsed
            }
            let count = try await queue.requeueDead(ids: ids, now: now)
            write("re-queued \(count) job(s)")
        default:
            throw Usage(description: "usage: mini-compete jobs stats | failed [--limit N] | retry ID… | retry --all")
        }
    }

    private static func write(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
