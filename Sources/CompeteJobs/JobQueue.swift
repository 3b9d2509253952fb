import Foundation

/// Where jobs wait, are claimed under a lease, and end: completed or dead-lettered. The SQL
/// implementation keeps jobs in the database (`FOR UPDATE SKIP LOCKED` on PostgreSQL); the Redis
/// one keeps them in Redis and the outbox rows in the database until each job is finished.
public protocol JobQueue: Sendable {
    /// Moves committed outbox rows into the queue, at most once each; returns how many.
    func relayOutbox(limit: Int, now: Date) async throws -> Int
    /// Claims up to `limit` jobs that are due, or whose previous claim's lease ran out.
    func claim(limit: Int, now: Date, lease: TimeInterval) async throws -> [Job]
    func complete(_ job: Job, now: Date) async throws
    /// Puts a failed job back to run again at `runAt`.
    func retry(_ job: Job, error: String, runAt: Date, now: Date) async throws
    /// Moves a job that will not be retried into the dead-letter store.
    func bury(_ job: Job, error: String, now: Date) async throws
    /// Deletes completed jobs finished before `cutoff` (kept for inspection until then); returns how many.
    func purgeCompleted(before cutoff: Date) async throws -> Int
    func stats() async throws -> QueueStats
    func deadLetters(limit: Int) async throws -> [DeadLetter]
    /// Re-queues dead letters (all of them when `ids` is nil) with fresh attempts; returns how many.
    func requeueDead(ids: [UUID]?, now: Date) async throws -> Int
}
