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
            // The gauge is the process's, sampled by every test server running meanwhile, so only
            // its presence is ours to check here; its value is checked by healthReportsQueueCounts.
            #expect(text.contains(#"jobs_queue_depth{state="outbox"} "#))
            #expect(text.contains("db_transactions_in_flight") && text.contains("db_pool_connections_max"))
        }
    }

    /// Each kind of answer under its own label, with and without a key. The counters are the
    /// process's, shared with tests running meanwhile, so each must grow by at least ours.
    @Test(arguments: Backend.all)
    func registrationOutcomesAreLabelled(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, capacity: 1)
            let competition = try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token,
                                                       json: ["waitlistCapacity": 1])
            #expect(competition.status == 200)
            let (first, second, third) = (try await server.signup(), try await server.signup(), try await server.signup())
            let before = try await Self.registrationCounts(server)

            #expect(try await server.register(first, for: id, key: "o-1").status == 201)
            #expect(try await server.register(first, for: id, key: "o-1").status == 201)   // replayed
            #expect(try await server.register(first, for: id).code == "already_registered")
            #expect(try await server.register(second, for: id, key: "o-2").status == 202)
            #expect(try await server.register(third, for: id, key: "o-3").code == "competition_full")
            #expect(try await server.register(third, for: id).code == "competition_full")
            #expect(try await server.register(third, for: UUID().uuidString).code == "not_found")

            let after = try await Self.registrationCounts(server)
            let expected = ["confirmed": 1, "replayed": 1, "already": 1, "waitlisted": 1, "full": 2, "not_found": 1]
            for (outcome, count) in expected {
                #expect(after[outcome, default: 0] - before[outcome, default: 0] >= count, "\(outcome)")
            }
        }
    }

    private static func registrationCounts(_ server: TestServer) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in try await server.request(.GET, "/metrics").text.split(separator: "\n")
        where line.hasPrefix(#"registrations_total{outcome=""#) {
            let parts = line.split(separator: " ")
            let outcome = parts[0].split(separator: "\"")[1]
            counts[String(outcome)] = Int(Double(parts.last ?? "") ?? 0)
        }
        return counts
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
