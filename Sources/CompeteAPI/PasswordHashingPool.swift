import CompeteCore
import Synchronization
import Vapor

/// Password hashing's own threads, and a gate in front of them. Bcrypt is CPU for tens of
/// milliseconds per call by design; on the application's shared thread pool, where SQLite does
/// all its I/O, a burst of logins or sign-ups would queue ahead of every database statement.
/// Here it can only use its own threads, and at most `queueLimit` calls wait for them: the next
/// one is refused at once with `temporarilyUnavailable` (503 with `Retry-After`), so a flood of
/// password checks costs the flood, not everyone else.
public final class PasswordHashingPool: Sendable {
    public let threads: Int
    public let queueLimit: Int
    private let pool: NIOThreadPool
    /// Calls running or waiting for a thread.
    private let admitted = Atomic<Int>(0)

    /// Started at once; ``shutdown()`` when the application stops.
    public init(threads: Int, queueLimit: Int) {
        self.threads = max(1, threads)
        self.queueLimit = max(0, queueLimit)
        pool = NIOThreadPool(numberOfThreads: self.threads)
        pool.start()
    }

    /// Runs `work` on one of the pool's threads, or throws `temporarilyUnavailable` without
    /// waiting when every thread is busy and `queueLimit` calls already wait.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let now = admitted.add(1, ordering: .acquiringAndReleasing).newValue
        defer { admitted.subtract(1, ordering: .acquiringAndReleasing) }
        guard now <= threads + queueLimit else { throw DomainError.temporarilyUnavailable(retryAfterSeconds: 1) }
        return try await pool.runIfActive(work)
    }

    public func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}
