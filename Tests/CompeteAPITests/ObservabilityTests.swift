import Foundation
import Testing

@Suite struct ObservabilityTests {
    @Test(arguments: Backend.all)
    func metricsCountRequestsRegistrationsAndQueue(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, capacity: 1)
            _ = try await server.register(try await server.signup(), for: id, key: "m-1")
            _ = try await server.register(try await server.signup(), for: id)
            let metrics = try await server.request(.GET, "/metrics")
            #expect(metrics.status == 200 && metrics.contentType.hasPrefix("text/plain"))
            let text = metrics.text
            #expect(text.contains(#"http_requests_total{method="POST",path="/api/competitions/:id/register",status="201"}"#))
            #expect(text.contains("http_request_duration_seconds_bucket"))
            #expect(text.contains(#"registrations_total{outcome="confirmed"}"#))
            #expect(text.contains(#"registrations_total{outcome="full"}"#))
            #expect(text.contains(#"idempotency_requests_total{outcome="started"}"#))
            #expect(text.contains(#"jobs_queue_depth{state="outbox"} 1"#))
            #expect(text.contains("db_transactions_in_flight") && text.contains("db_pool_connections_max"))
        }
    }

    @Test(arguments: Backend.all)
    func requestIdsAndCORS(backend: Backend) async throws {
        try await withServer(backend) { server in
            let echoed = try await server.request(.GET, "/api/health", headers: [("X-Request-Id", "trace-me-123")])
            #expect(echoed.headers.first(name: "X-Request-Id") == "trace-me-123")
            let generated = try await server.request(.GET, "/api/health")
            #expect((generated.headers.first(name: "X-Request-Id") ?? "").count >= 8)

            let web = server.system.config.messageLinks.webBase
            let preflight = try await server.request(.OPTIONS, "/api/competitions", headers: [
                ("Origin", web), ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "authorization, idempotency-key"),
            ])
            #expect(preflight.headers.first(name: "Access-Control-Allow-Origin") == web)
            #expect(preflight.headers.first(name: "Access-Control-Allow-Headers")?.lowercased().contains("idempotency-key") == true)
            let foreign = try await server.request(.GET, "/api/competitions", headers: [("Origin", "https://evil.example")])
            #expect(foreign.headers.first(name: "Access-Control-Allow-Origin") != "https://evil.example")
        }
    }
}
