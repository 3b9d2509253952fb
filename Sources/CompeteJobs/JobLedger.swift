import Foundation

/// A job as the transactional outbox holds it: written in the same transaction as the change
/// that causes it.
public struct OutboxEntry: Sendable, Equatable {
    public let id: UUID
    public let type: String
    public let payload: String
    public let createdAt: Date

    public init(id: UUID, type: String, payload: String, createdAt: Date) {
        self.id = id
        self.type = type
        self.payload = payload
        self.createdAt = createdAt
    }
}

/// The database's part of a queue whose jobs wait elsewhere (Redis). The database stays the
/// source of truth: an outbox row lives until its job is finished or dead-lettered, so a job
/// that Redis lost (a restart without persistence, a flush) is relayed again; and dead letters
/// are kept here, durably, for inspection and retry.
public protocol JobLedger: Sendable {
    /// Hands outbox entries to `push`, first those never relayed, then those relayed before
    /// `redriveBefore` and still unfinished, at most `limit`; marks them relayed at `now` only if
    /// `push` succeeds. Concurrent relays take disjoint rows. Returns how many were handed over.
    func relay(
        limit: Int, now: Date, redriveBefore: Date,
        push: @escaping @Sendable ([OutboxEntry]) async throws -> Void
    ) async throws -> Int
    /// The job is finished: its outbox row goes.
    func finish(jobId: UUID) async throws
    /// Stores the dead letter and removes the job's outbox row, together; once per job.
    func bury(_ letter: DeadLetter) async throws
    func deadLetters(limit: Int) async throws -> [DeadLetter]
    /// Moves dead letters (all of them when `ids` is nil) back into the outbox; returns how many.
    func requeueDead(ids: [UUID]?, now: Date) async throws -> Int
    /// Outbox rows not relayed yet, and dead letters.
    func counts() async throws -> (unrelayed: Int, dead: Int)
}
