import CompeteJobs
import Foundation

/// Webhook delivery settings (`WEBHOOK_*` in `.env.example`). The default retry schedule — 22
/// attempts, 10 s doubling up to 2 h, 20 % jitter — keeps trying for about a day.
public struct WebhookConfig: Sendable {
    /// The whole exchange with a receiver: connect, send, answer.
    public var timeout: TimeInterval = 10
    public var maxAttempts: Int = 22
    public var backoffBase: TimeInterval = 10
    public var backoffMax: TimeInterval = 7200
    public var backoffJitter: Double = 0.2
    /// Deliveries in flight at once per worker process.
    public var concurrency: Int = 8
    /// Loopback, private and link-local targets are allowed outside production, or when set.
    public var allowPrivate: Bool = true
    /// Finished deliveries stay in the log this long.
    public var retention: TimeInterval = 30 * 86400

    public init() {}

    /// A claim outlives the attempt it covers: the timeout, plus time to settle. A worker that
    /// dies holds its subscription's next delivery for this long.
    public var lease: TimeInterval { timeout + 5 }

    public var retryPolicy: RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts, baseDelay: backoffBase, factor: 2, maxDelay: backoffMax, jitter: backoffJitter)
    }

    init(_ reader: AppConfig.Reader, production: Bool) throws {
        timeout = try reader.double("WEBHOOK_TIMEOUT_MS", default: timeout * 1000, in: 50...60_000) / 1000
        maxAttempts = try reader.int("WEBHOOK_MAX_ATTEMPTS", default: maxAttempts, in: 1...100)
        backoffBase = try reader.double("WEBHOOK_BACKOFF_BASE_MS", default: backoffBase * 1000, in: 0...3_600_000) / 1000
        backoffMax = try reader.double("WEBHOOK_BACKOFF_MAX_SECONDS", default: backoffMax, in: 0...86400)
        backoffJitter = try reader.double("WEBHOOK_BACKOFF_JITTER", default: backoffJitter, in: 0...1)
        concurrency = try reader.int("WEBHOOK_CONCURRENCY", default: concurrency, in: 1...256)
        allowPrivate = try reader.bool("WEBHOOK_ALLOW_PRIVATE", default: !production)
        retention = try reader.double("WEBHOOK_RETENTION_DAYS", default: retention / 86400, in: 1...3650) * 86400
    }
}
