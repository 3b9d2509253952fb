import CompeteJobs
import Vapor

/// The state of each dependency. The service is healthy when the database answers and Redis,
/// if configured, does too; queue counts are information.
public struct HealthReport: Sendable {
    public var database: String
    public var redis: String
    public var queue: QueueStats?

    public init(database: String, redis: String, queue: QueueStats?) {
        self.database = database
        self.redis = redis
        self.queue = queue
    }

    public var healthy: Bool { database == "ok" && redis != "unavailable" }
}

public struct HealthCheck: Sendable {
    public let run: @Sendable () async -> HealthReport

    public init(run: @escaping @Sendable () async -> HealthReport) {
        self.run = run
    }
}

struct HealthController: RouteCollection {
    let check: HealthCheck

    struct Body: Encodable {
        struct Checks: Encodable {
            let database: String
            let redis: String
            let queue: Queue
        }

        struct Queue: Encodable {
            let status: String
            let outbox, waiting, active, completed, dead: Int?
        }

        let status: String
        let checks: Checks
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
    }

    @Sendable func health(_ req: Request) async throws -> Response {
        let report = await check.run()
        let q = report.queue
        let queue = Body.Queue(status: q == nil ? "unavailable" : "ok", outbox: q?.outbox, waiting: q?.waiting,
                               active: q?.active, completed: q?.completed, dead: q?.dead)
        let body = Body(status: report.healthy ? "ok" : "degraded",
                        checks: .init(database: report.database, redis: report.redis, queue: queue))
        return .json(body, status: report.healthy ? .ok : .serviceUnavailable)
    }
}
