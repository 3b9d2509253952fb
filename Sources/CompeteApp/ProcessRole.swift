import Logging
import ServiceLifecycle
import UnixSignals

/// The long-running parts a process can run; `serve` runs them all, the other commands a few.
public enum ProcessRole: String, CaseIterable, Sendable {
    /// The JSON API on `API_PORT`.
    case api
    /// The web UI on `WEB_PORT`.
    case web
    /// Outbox relay and job worker.
    case worker
    /// Enqueues reminders of competitions about to start; safe in any number of processes
    /// (each reminder is admitted once by the database).
    case scheduler
    /// Purges expired idempotency records and old completed jobs.
    case janitor
}

/// The services of the roles one process runs, in the order a `ServiceGroup` needs: it starts
/// them together and, on graceful shutdown, stops them one at a time from the last to the first.
/// So the API comes last (stops first: no new requests, the ones in flight finish), the web UI
/// before it, and the background roles first (they stop after the HTTP servers, finishing the work
/// in hand). What they all share — the database pools, the SQLite writer, the Redis client — is
/// closed by `Application.asyncShutdown()` after the group has returned, so strictly last.
public struct RoleServices: Sendable {
    /// The API's server, when `.api` is among the roles.
    public let api: APIServer?
    /// The web UI's server, when `.web` is among the roles.
    public let web: WebServer?
    let ordered: [any Service]

    /// A group running these services until graceful shutdown: on SIGTERM or SIGINT when
    /// `stopOnSignals` (the executable), or when `triggerGracefulShutdown()` is called (tests).
    public func group(stopOnSignals: Bool, logger: Logger) -> ServiceGroup {
        ServiceGroup(configuration: ServiceGroupConfiguration(
            services: ordered.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0, serviceName: "\($0)") },
            gracefulShutdownSignals: stopOnSignals ? [.sigterm, .sigint] : [],
            logger: logger
        ))
    }
}
