@testable import CompeteStore
import CompeteCore
import CompeteJobs
import Foundation
import NIOHTTP1
import SQLKit
import Testing

/// Webhook events in the database: written by the change's own transaction (once per change and
/// subscription, never for a change that rolled back), claimed like jobs, one in flight per
/// subscription. The HTTP side — real receivers, signatures checked by the `standardwebhooks`
/// library — is Tests/webhooks.
@Suite(.serialized) struct WebhookTests {
    func subscribe(_ server: TestServer, _ organizer: TestUser, events: [String] = ["*"], competitionId: String? = nil,
                   url: String = "http://127.0.0.1:9/hook") async throws -> String {
        var body: [String: Any] = ["url": url, "events": events]
        if let competitionId { body["competitionId"] = competitionId }
        let response = try await server.request(.POST, "/api/webhooks", token: organizer.token, json: body)
        guard response.status == 201, let id = response.json["id"] as? String else {
            throw TestFailure("subscribe failed: \(response.status) \(response.text)")
        }
        return id
    }

    /// Event types delivered to a subscription, with how often each.
    func eventCounts(_ server: TestServer, subscription: String) async throws -> [String: Int] {
        let rows = try await server.sql.raw("""
            SELECT e.type, COUNT(*) AS n FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
            WHERE d.subscription_id = \(bind: UUID(uuidString: subscription)) GROUP BY e.type
            """).all()
        var counts: [String: Int] = [:]
        for row in rows { counts[try row.decode(column: "type", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        return counts
    }

    @Test(arguments: Backend.all)
    func everyChangeEmitsItsEventOncePerSubscription(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let competition = try await server.createCompetition(by: organizer, capacity: 1)
            _ = try await server.request(.PATCH, "/api/competitions/\(competition)", token: organizer.token, json: ["waitlistCapacity": 1])
            let all = try await subscribe(server, organizer)
            let cancellations = try await subscribe(server, organizer, events: ["registration.cancelled"], competitionId: competition)
            let other = try await server.signup(role: "organizer")
            let stranger = try await subscribe(server, other)
            let otherCompetition = try await server.createCompetition(by: organizer, capacity: 5)

            let (first, second) = (try await server.signup(), try await server.signup())
            #expect(try await server.register(first, for: competition).status == 201)
            #expect(try await server.register(second, for: competition).status == 202)
            #expect(try await server.request(.DELETE, "/api/competitions/\(competition)/register", token: first.token).status == 200)
            #expect(try await server.register(first, for: otherCompetition).status == 201)

            #expect(try await eventCounts(server, subscription: all) == [
                "registration.confirmed": 2, "competition.full": 1, "registration.waitlisted": 1,
                "registration.cancelled": 1, "registration.promoted": 1,
            ])
            #expect(try await eventCounts(server, subscription: cancellations) == ["registration.cancelled": 1])
            #expect(try await eventCounts(server, subscription: stranger).isEmpty)

            let body = try #require(try await server.sql.raw("""
                SELECT body FROM webhook_events WHERE type = 'registration.waitlisted'
                """).first()?.decode(column: "body", as: String.self))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            let data = try #require(json["data"] as? [String: Any])
            #expect(json["type"] as? String == "registration.waitlisted" && json["timestamp"] is String)
            #expect(data["competitionId"] as? String == competition && data["userId"] as? String == second.id)
            #expect(data["status"] as? String == "waitlisted" && data["position"] as? Int == 1 && data["registrationId"] is String)
            // The cancelled-only subscription shares the event (same id) with the catch-all one.
            #expect(try await server.count("""
                SELECT COUNT(DISTINCT event_id) AS n FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                WHERE e.type = 'registration.cancelled'
                """) == 1)
        }
    }

    @Test(arguments: Backend.all)
    func aRolledBackChangeEmitsNothing(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let competition = try await server.createCompetition(by: organizer, capacity: 1)
            _ = try await server.request(.PATCH, "/api/competitions/\(competition)", token: organizer.token, json: ["waitlistCapacity": 3])
            _ = try await subscribe(server, organizer)
            let store = SQLRegistrationStore(context: SQLContext(database: server.system.app.db))
            let competitionId = try #require(UUID(uuidString: competition))
            // The idempotency lease is gone when the outcome is stored: the transaction rolls back
            // after the seat, the registration and its events were written (the one-statement
            // path on PostgreSQL changes nothing and hands over to the same transaction).
            let participant = try await server.signup()
            let userId = try #require(UUID(uuidString: participant.id))
            let lost = IdempotencyLease(userId: userId, key: "lost", token: UUID())
            await #expect(throws: DomainError.self) {
                _ = try await store.register(
                    userId: userId, competitionId: competitionId, registrationId: UUID(), submission: FormSubmission(),
                    now: Date(), lease: lost
                )
            }
            #expect(try await server.count("SELECT COUNT(*) AS n FROM webhook_events") == 0)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM webhook_deliveries") == 0)
            #expect(try await server.confirmedCount(competition) == 0)

            // The same for a waitlist place and for a cancellation.
            #expect(try await server.register(participant, for: competition).status == 201)
            let waiting = try await server.signup()
            let waitingId = try #require(UUID(uuidString: waiting.id))
            await #expect(throws: DomainError.self) {
                _ = try await store.register(
                    userId: waitingId, competitionId: competitionId, registrationId: UUID(), submission: FormSubmission(),
                    now: Date(), lease: IdempotencyLease(userId: waitingId, key: "lost", token: UUID())
                )
            }
            let context = SQLContext(database: server.system.app.db)
            await #expect(throws: TestFailure.self) {
                try await context.transaction { sql in
                    try await Outbox.publish(.registration(
                        .registrationCancelled, registrationId: UUID(), competitionId: competitionId, userId: userId,
                        status: .cancelled, at: Date()
                    ), now: Date(), on: sql)
                    throw TestFailure("roll back")
                }
            }
            #expect(try await eventCounts(server, subscription: try await firstSubscription(server)) == [
                "registration.confirmed": 1, "competition.full": 1,
            ])
        }
    }

    func firstSubscription(_ server: TestServer) async throws -> String {
        let id = try await server.sql.raw("SELECT id FROM webhook_subscriptions").first()?.decode(column: "id", as: UUID.self)
        return try #require(id).uuidString.lowercased()
    }

    @Test(arguments: Backend.all)
    func oneDeliveryInFlightPerSubscriptionInOrderAndLeasesRecover(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let competition = try await server.createCompetition(by: organizer, capacity: 10)
            let (a, b) = (try await subscribe(server, organizer), try await subscribe(server, organizer, events: ["registration.confirmed"]))
            for _ in 0..<3 { #expect(try await server.register(try await server.signup(), for: competition).status == 201) }
            let queue = server.system.webhookQueue
            let now = Date()
            // Both subscriptions' heads, nothing else: each subscription has one attempt in flight.
            let first = try await queue.claim(limit: 10, now: now, lease: 30)
            #expect(Set(first.map(\.subscriptionId.uuidString).map { $0.lowercased() }) == [a, b] && first.count == 2)
            #expect(try await queue.claim(limit: 10, now: now, lease: 30).isEmpty)
            #expect(first.allSatisfy { $0.attempts == 1 && $0.secret.hasPrefix("whsec_") })
            // The "worker" dies: after the lease the same deliveries come back, attempt 2.
            let again = try await queue.claim(limit: 10, now: now.addingTimeInterval(31), lease: 30)
            #expect(Set(again.map(\.id)) == Set(first.map(\.id)) && again.allSatisfy { $0.attempts == 2 })
            // The dead worker's settlement changes nothing: its claim token is stale.
            for dispatch in first { try await queue.delivered(dispatch, statusCode: 200, now: now) }
            #expect(try await server.count("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'delivered'") == 0)
            for dispatch in again { try await queue.delivered(dispatch, statusCode: 200, now: now) }
            // Next in each subscription's order.
            let next = try await queue.claim(limit: 10, now: now.addingTimeInterval(32), lease: 30)
            #expect(next.count == 2)
            let seqs = try await server.sql.raw("""
                SELECT d.subscription_id, d.seq, d.status FROM webhook_deliveries d ORDER BY d.seq
                """).all()
            for dispatch in next {
                let earlier = try seqs.filter {
                    try $0.decode(column: "subscription_id", as: UUID.self) == dispatch.subscriptionId
                        && $0.decode(column: "status", as: String.self) == "pending"
                }
                let head = try #require(earlier.first)
                let headSeq = try head.decode(column: "seq", as: Int.self)
                let claimedSeq = try await server.count("SELECT seq AS n FROM webhook_deliveries WHERE id = \(bind: dispatch.id)")
                #expect(claimedSeq == headSeq, "the oldest pending delivery of its subscription goes first")
            }
            // A failed attempt waits for its backoff; the next event goes ahead meanwhile.
            let retried = try #require(next.first)
            try await queue.retry(retried, statusCode: 500, error: "HTTP 500", at: now.addingTimeInterval(3600), now: now.addingTimeInterval(32))
            let after = try await queue.claim(limit: 10, now: now.addingTimeInterval(33), lease: 7200)
            #expect(after.contains { $0.subscriptionId == retried.subscriptionId && $0.id != retried.id })
            // When the earlier one falls due while a later one is in flight, it waits its turn.
            let due = try await queue.claim(limit: 10, now: now.addingTimeInterval(3601), lease: 30)
            #expect(!due.contains { $0.subscriptionId == retried.subscriptionId }, "one attempt at a time per subscription")

            // 410 disables the subscription and fails what it had pending.
            let gone = try #require(after.first { $0.subscriptionId == retried.subscriptionId })
            try await queue.gone(gone, now: now.addingTimeInterval(34))
            let shown = try await server.request(.GET, "/api/webhooks/\(gone.subscriptionId.uuidString.lowercased())", token: organizer.token)
            #expect(shown.json["enabled"] as? Bool == false)
            #expect(try await server.count("""
                SELECT COUNT(*) AS n FROM webhook_deliveries WHERE subscription_id = \(bind: gone.subscriptionId) AND status = 'pending'
                """) == 0)
            // Redelivering turns it on again, with fresh attempts.
            let hook = gone.subscriptionId.uuidString.lowercased()
            let redelivered = try await server.request(
                .POST, "/api/webhooks/\(hook)/deliveries/\(gone.id.uuidString.lowercased())/redeliver", token: organizer.token
            )
            #expect(redelivered.status == 202 && redelivered.json["status"] as? String == "pending")
            #expect(try await server.request(.GET, "/api/webhooks/\(hook)", token: organizer.token).json["enabled"] as? Bool == true)
            let log = try await server.request(.GET, "/api/webhooks/\(hook)/deliveries", token: organizer.token).items
            let entry = try #require(log.first { $0["id"] as? String == gone.id.uuidString.lowercased() })
            #expect(entry["status"] as? String == "pending" && entry["attempts"] as? Int == 0 && entry["lastStatusCode"] as? Int == 410)
        }
    }

    @Test(arguments: Backend.all)
    func onlyTheOwnerSeesOrTouchesAWebhook(backend: Backend) async throws {
        try await withServer(backend) { server in
            let owner = try await server.signup(role: "organizer")
            let competition = try await server.createCompetition(by: owner, capacity: 5)
            let created = try await server.request(.POST, "/api/webhooks", token: owner.token, json: [
                "url": "http://127.0.0.1:9/hook", "events": ["registration.confirmed", "competition.full"], "competitionId": competition,
            ])
            #expect(created.status == 201)
            #expect((created.json["secret"] as? String)?.hasPrefix("whsec_") == true)
            #expect(created.json["competitionId"] as? String == competition && created.json["enabled"] as? Bool == true)
            let id = try #require(created.json["id"] as? String)
            #expect(try await server.register(try await server.signup(), for: competition).status == 201)
            let log = try await server.request(.GET, "/api/webhooks/\(id)/deliveries", token: owner.token)
            #expect(log.status == 200 && log.items.count == 1)
            let delivery = try #require(log.items.first)
            #expect(delivery["type"] as? String == "registration.confirmed" && delivery["status"] as? String == "pending")
            #expect(delivery["lastStatusCode"] is NSNull && delivery["deliveredAt"] is NSNull && delivery["attempts"] as? Int == 0)
            let deliveryId = try #require(delivery["id"] as? String)

            let listed = try await server.request(.GET, "/api/webhooks", token: owner.token)
            #expect(listed.items.count == 1 && listed.items[0]["secret"] == nil, "the secret is shown only on creation")
            let shown = try await server.request(.GET, "/api/webhooks/\(id)", token: owner.token)
            #expect(shown.status == 200 && shown.json["secret"] == nil)

            let rival = try await server.signup(role: "organizer")
            let participant = try await server.signup()
            #expect(try await server.request(.GET, "/api/webhooks", token: rival.token).items.isEmpty)
            #expect(try await server.request(.GET, "/api/webhooks", token: participant.token).status == 403)
            #expect(try await server.request(.POST, "/api/webhooks", token: participant.token,
                                             json: ["url": "http://127.0.0.1:9/", "events": ["*"]]).status == 403)
            for user in [rival, participant] {
                for (method, path) in [
                    (HTTPMethod.GET, "/api/webhooks/\(id)"), (.GET, "/api/webhooks/\(id)/deliveries"),
                    (.POST, "/api/webhooks/\(id)/deliveries/\(deliveryId)/redeliver"), (.DELETE, "/api/webhooks/\(id)"),
                ] {
                    let response = try await server.request(method, path, token: user.token)
                    #expect(response.status == 404 && response.isProblem, "\(method) \(path)")
                }
            }
            #expect(try await server.request(.GET, "/api/webhooks/\(id)").status == 401)
            // Someone else's competition cannot be watched.
            let theirs = try await server.createCompetition(by: rival, capacity: 5)
            let refused = try await server.request(.POST, "/api/webhooks", token: owner.token, json: [
                "url": "http://127.0.0.1:9/", "events": ["*"], "competitionId": theirs,
            ])
            #expect(refused.status == 400 && refused.code == "validation_failed")

            let redelivered = try await server.request(.POST, "/api/webhooks/\(id)/deliveries/\(deliveryId)/redeliver", token: owner.token)
            #expect(redelivered.status == 202)
            #expect(try await server.request(.POST, "/api/webhooks/\(id)/deliveries/\(UUID().uuidString)/redeliver", token: owner.token).status == 404)
            #expect(try await server.request(.DELETE, "/api/webhooks/\(id)", token: owner.token).status == 200)
            #expect(try await server.request(.GET, "/api/webhooks/\(id)", token: owner.token).status == 404)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM webhook_deliveries") == 0)
        }
    }

    @Test func badSubscriptionsAreRefusedWith400() async throws {
        try await withServer(.sqlite) { server in
            let owner = try await server.signup(role: "organizer")
            let bad: [[String: Any]] = [
                [:], ["url": "http://127.0.0.1:9/"], ["events": ["*"]],
                ["url": "ftp://example.com/", "events": ["*"]], ["url": "http://127.0.0.1:9/", "events": []],
                ["url": "http://127.0.0.1:9/", "events": ["registration.exploded"]],
                ["url": "http://127.0.0.1:9/", "events": ["*"], "competitionId": "not-a-uuid"],
                ["url": 42, "events": ["*"]], ["url": "http://127.0.0.1:9/", "events": "*"],
                ["url": "http://u:p@example.com/", "events": ["*"]],
            ]
            for body in bad {
                let response = try await server.request(.POST, "/api/webhooks", token: owner.token, json: body)
                #expect(response.status == 400 && response.code == "validation_failed", "\(body): \(response.text)")
            }
            #expect(try await server.count("SELECT COUNT(*) AS n FROM webhook_subscriptions") == 0)
        }
    }

    @Test func productionRefusesPrivateTargetsUnlessAllowed() async throws {
        try await withServer(.sqlite, configure: { $0.webhooks.allowPrivate = false }) { server in
            let owner = try await server.signup(role: "organizer")
            for url in ["http://127.0.0.1:8080/h", "http://localhost/h", "http://10.0.0.8/h", "http://169.254.169.254/latest",
                        "http://[::1]/h", "http://[::ffff:127.0.0.1]/h", "http://0.0.0.0/h", "http://[fd00::1]/h", "http://224.0.0.1/h"] {
                let response = try await server.request(.POST, "/api/webhooks", token: owner.token, json: ["url": url, "events": ["*"]])
                #expect(response.status == 400 && response.code == "validation_failed", "\(url): \(response.text)")
            }
            let allowed = try await server.request(.POST, "/api/webhooks", token: owner.token,
                                                  json: ["url": "https://93.184.216.34/hook", "events": ["*"]])
            #expect(allowed.status == 201)
        }
    }
}
