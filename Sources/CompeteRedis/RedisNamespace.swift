/// The one prefix every Redis key of a deployment starts with, so that several deployments (or
/// test runs) can share one Redis and an operator can find all of ours with `SCAN MATCH mc:*`.
/// Each user of Redis gets its own part under it; the part names are fixed here, once.
public struct RedisNamespace: Sendable, Hashable, CustomStringConvertible {
    /// The namespace itself, e.g. `mc:`; prepended verbatim.
    public let prefix: String

    public init(_ prefix: String = "mc:") {
        self.prefix = prefix
    }

    /// The job queue's keys (``RedisJobQueue``): `<prefix>jobs:waiting`, `<prefix>jobs:job:<id>`, …
    public var jobs: String { prefix + "jobs:" }

    /// In-flight `Idempotency-Key` locks (``RedisIdempotencyStore``).
    public var idempotency: String { prefix + "idem:" }

    /// Attempt counters of the rate limits (``RedisAttemptCounter``): logins, sign-ups,
    /// registrations per user.
    public var rateLimits: String { prefix + "rate:" }

    public var description: String { prefix }
}
