import CompeteRedis
import Foundation
import Testing

/// With Redis configured but down: health says so (503), requests that do not need Redis keep
/// working, logins are counted in process memory, and idempotent requests are refused with a retryable 503.
@Suite struct RedisOutageTests {
    @Test func requestsThatDoNotNeedRedisKeepWorking() async throws {
        try await withServer(.sqlite, configure: {
            // Nothing listens on the discard port; short timeouts keep the test quick.
            $0.redis = try? RedisConfiguration(url: "redis://127.0.0.1:9/0", connectTimeout: .milliseconds(300), commandTimeout: .milliseconds(300))
        }) { server in
            let health = try await server.request(.GET, "/api/health")
            #expect(health.status == 503 && health.json["status"] as? String == "degraded")
            #expect((health.json["checks"] as? [String: Any])?["redis"] as? String == "unavailable")

            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer)
            #expect(try await server.request(.GET, "/api/competitions").status == 200)
            let login = try await server.request(.POST, "/api/auth/login", json: ["email": organizer.email, "password": "password123"])
            #expect(login.status == 200, "the login budgets count in process memory instead")

            let user = try await server.signup()
            #expect(try await server.register(user, for: id).status == 201, "no key: no Redis needed")
            let keyed = try await server.register(user, for: id, key: "needs-redis")
            #expect(keyed.status == 503 && keyed.code == "temporarily_unavailable" && keyed.headers.first(name: "Retry-After") == "5")
        }
    }
}
