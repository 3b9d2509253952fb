import CompeteCore
import Foundation
import Logging
import Metrics

/// Settings of a worker.
public struct WorkerSettings: Sendable {
    /// Jobs claimed and run at once per round.
    public var batchSize: Int
    /// How long a claim holds a job before another worker may take it (the worker died).
    public var lease: TimeInterval
    public var retry: RetryPolicy

    public init(batchSize: Int = 10, lease: TimeInterval = 30, retry: RetryPolicy = RetryPolicy()) {
        self.batchSize = batchSize
        self.lease = lease
        self.retry = retry
    }
}

/// Relays the outbox into the queue, claims due jobs, runs them and settles each: completed,
/// retried later with backoff, or moved to the dead-letter store after the last attempt.
public struct Worker: Sendable {
    let queue: any JobQueue
    let handler: JobHandler
    let settings: WorkerSettings
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double
    let logger: Logger

    public init(
        queue: any JobQueue, handler: JobHandler, settings: WorkerSettings,
        now: @escaping @Sendable () -> Date, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger
    ) {
        self.queue = queue
        self.handler = handler
        self.settings = settings
        self.now = now
        self.random = random
        self.logger = logger
    }

    /// One round. Returns how many jobs it ran, so a loop knows whether to go again at once.
    @discardableResult
    public func tick() async throws -> Int {
        _ = try await queue.relayOutbox(limit: 500, now: now())
        let jobs = try await queue.claim(limit: settings.batchSize, now: now(), lease: settings.lease)
        await withTaskGroup(of: Void.self) { group in
            for job in jobs {
                group.addTask { await run(job) }
            }
        }
        return jobs.count
    }

    private func run(_ job: Job) async {
        var logger = self.logger
        logger[metadataKey: "job-id"] = "\(job.id.uuidString.lowercased())"
        logger[metadataKey: "job-type"] = "\(job.type)"
        logger[metadataKey: "attempt"] = "\(job.attempts)"
        logger.debug("job attempt")
        do {
            try await handler.handle(job, now: now())
            try await queue.complete(job, now: now())
            count(job, "completed")
            logger.info("job completed")
        } catch let failure as PermanentJobFailure {
            await settle(job, logger: logger) { try await queue.bury(job, error: failure.description, now: now()) }
            await handler.gaveUp(job, error: failure.description)
            count(job, "dead")
            logger.error("job dead-lettered: cannot succeed", metadata: ["error": "\(failure)"])
        } catch {
            let message = String(describing: error)
            if job.attempts >= settings.retry.maxAttempts {
                await settle(job, logger: logger) { try await queue.bury(job, error: message, now: now()) }
                await handler.gaveUp(job, error: message)
                count(job, "dead")
                logger.error("job dead-lettered after its last attempt", metadata: ["error": "\(message)"])
            } else {
                let delay = settings.retry.delay(afterAttempt: job.attempts, random: random())
                await settle(job, logger: logger) {
                    try await queue.retry(job, error: message, runAt: now().addingTimeInterval(delay), now: now())
                }
                count(job, "retried")
                logger.warning("job failed, will retry", metadata: ["error": "\(message)", "retry-in-seconds": "\(delay)"])
            }
        }
    }

    private func count(_ job: Job, _ outcome: String) {
        Counter(label: "jobs_processed_total", dimensions: [("type", job.type), ("outcome", outcome)]).increment()
    }

    /// The outcomes `jobs_processed_total` counts.
    static let outcomes = ["completed", "retried", "dead"]

    /// Declares `jobs_processed_total` for every job type and outcome, at zero.
    public static func declareMetrics() {
        for type in JobType.allCases {
            for outcome in outcomes {
                _ = Counter(label: "jobs_processed_total", dimensions: [("type", type.rawValue), ("outcome", outcome)])
            }
        }
    }

    /// If even settling fails (database down), the lease expires and the job runs again.
    private func settle(_ job: Job, logger: Logger, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch {
            logger.error("could not settle job; it will be retried after its lease", metadata: ["error": "\(error)"])
        }
    }
}
