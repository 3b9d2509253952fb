import Vapor

/// Reports each dependency as "ok", "disabled" or an error string.
public struct HealthCheck: Sendable {
    public let run: @Sendable () async -> [String: String]

    public init(run: @escaping @Sendable () async -> [String: String]) {
        self.run = run
    }
}

struct HealthController: RouteCollection {
    let check: HealthCheck

    struct Body: Encodable {
        let status: String
        let checks: [String: String]
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
    }

    @Sendable func health(_ req: Request) async throws -> Response {
        let checks = await check.run()
        let healthy = checks.values.allSatisfy { $0 == "ok" || $0 == "disabled" }
        return .json(Body(status: healthy ? "ok" : "degraded", checks: checks),
                     status: healthy ? .ok : .serviceUnavailable)
    }
}
