@testable import CompeteAPI
import CompeteCore
import CompeteStore
import Foundation
import SQLKit
import Testing

@Suite struct IdempotencyTests {
    @Test(arguments: Backend.all)
    func retryReplaysByteForByteAndRunsOnce(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let user = try await server.signup()
            let id = try await server.createCompetition(by: organizer)

            let first = try await server.register(user, for: id, key: "click-1")
            #expect(first.status == 201 && first.headers.first(name: "Idempotent-Replayed") == nil)
            let second = try await server.register(user, for: id, key: "click-1")
            #expect(second.status == 201 && second.body == first.body)
            #expect(second.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(second.contentType == first.contentType)
            #expect(try await server.confirmedCount(id) == 1)
            #expect(try await server.outboxCount(topic: "registration:confirmation") == 1)

            // The RFC 8941 quoted form names the same key.
            let quoted = try await server.register(user, for: id, key: "\"click-1\"")
            #expect(quoted.status == 201 && quoted.body == first.body)
        }
    }

    @Test(arguments: Backend.all)
    func businessErrorsAreStoredToo(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let holder = try await server.signup()
            let latecomer = try await server.signup()
            let id = try await server.createCompetition(by: organizer, capacity: 1)
            _ = try await server.register(holder, for: id)

            let full = try await server.register(latecomer, for: id, key: "try-1")
            #expect(full.status == 409 && full.code == "competition_full" && full.isProblem)
            _ = try await server.request(.DELETE, "/api/competitions/\(id)/register", token: holder.token)
            let replay = try await server.register(latecomer, for: id, key: "try-1")
            #expect(replay.status == 409 && replay.body == full.body && replay.isProblem)
            #expect(replay.headers.first(name: "Idempotent-Replayed") == "true")
            let fresh = try await server.register(latecomer, for: id, key: "try-2")
            #expect(fresh.status == 201)
        }
    }

    @Test(arguments: Backend.all)
    func keyReuseAndScope(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let alice = try await server.signup()
            let bob = try await server.signup()
            let first = try await server.createCompetition(by: organizer)
            let second = try await server.createCompetition(by: organizer)

            let aliceFirst = try await server.register(alice, for: first, key: "shared")
            #expect(aliceFirst.status == 201)
            let otherPath = try await server.register(alice, for: second, key: "shared")
            #expect(otherPath.status == 422 && otherPath.code == "idempotency_key_reused")
            let otherBody = try await server.request(.POST, "/api/competitions/\(first)/register", token: alice.token,
                                                     json: ["note": "different body"], headers: [("Idempotency-Key", "shared")])
            #expect(otherBody.status == 422 && otherBody.code == "idempotency_key_reused")
            // The refused reuses left no lock behind: the original request still replays.
            let retried = try await server.register(alice, for: first, key: "shared")
            #expect(retried.status == 201 && retried.body == aliceFirst.body)

            // Bob's identical key is his own key: it runs, and never replays Alice's answer.
            let bobs = try await server.register(bob, for: first, key: "shared")
            #expect(bobs.status == 201 && bobs.headers.first(name: "Idempotent-Replayed") == nil)
            #expect(bobs.json["registrationId"] as? String != aliceFirst.json["registrationId"] as? String)
            #expect(try await server.confirmedCount(first) == 2)
            #expect(try await server.confirmedCount(second) == 0)
        }
    }

    @Test(arguments: Backend.all)
    func invalidKeysAreRefused(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let user = try await server.signup()
            let id = try await server.createCompetition(by: organizer)
            for key in [String(repeating: "k", count: 256), "has space", "ключ", "\"open", "\"a\"b\"", "\"\""] {
                let response = try await server.register(user, for: id, key: key)
                #expect(response.status == 400 && response.code == "idempotency_key_invalid", "key \(key.prefix(20)) accepted")
            }
            let twice = try await server.request(.POST, "/api/competitions/\(id)/register", token: user.token,
                                                 headers: [("Idempotency-Key", "a"), ("Idempotency-Key", "b")])
            #expect(twice.status == 400 && twice.code == "idempotency_key_invalid")
            #expect(try await server.register(user, for: id, key: String(repeating: "k", count: 255)).status == 201)
            #expect(try await server.confirmedCount(id) == 1)
        }
    }

    /// A request whose process died leaves its lease behind: 409 until the lease expires, then a
    /// retry runs (and registers exactly once). The SQL lease follows the injected clock; the
    /// Redis lock expires in Redis's own time.
    @Test(arguments: Backend.all)
    func inFlightKeysAnswer409UntilTheLeaseExpires(backend: Backend) async throws {
        // 8 s of real time for the Redis lock: the requests before it expires must fit inside it
        // even on a loaded two-core machine (5 s did not, with three builds running beside it).
        try await withServer(backend, configure: { if backend.usesRedis { $0.idempotencyLease = 8 } }) { server in
            let organizer = try await server.signup(role: "organizer")
            let user = try await server.signup()
            let id = try await server.createCompetition(by: organizer)
            server.clock.freeze()
            let path = "/api/competitions/\(id)/register"
            let fingerprint = IdempotencyFingerprint.of(method: "POST", path: path, query: nil, body: [])
            let start = try await server.system.services.idempotency.begin(IdempotencyRequest(
                userId: UUID(uuidString: user.id)!, key: try IdempotencyKey(header: "crashed"), fingerprint: fingerprint
            ))
            guard case .started = start else { throw TestFailure("expected a fresh lease") }
            // The Redis lock was set before `begin` returned, so it is gone 8 s after this.
            let began = ContinuousClock.now

            let busy = try await server.register(user, for: id, key: "crashed")
            #expect(busy.status == 409 && busy.code == "idempotency_request_in_progress")
            #expect(busy.headers.first(name: "Retry-After") == "1")
            let reused = try await server.register(user, for: UUID().uuidString, key: "crashed")
            #expect(reused.code == "idempotency_key_reused", "another request under the same key")
            if backend.usesRedis {
                #expect(try await server.register(user, for: id, key: "crashed").code == "idempotency_request_in_progress")
                try await Task.sleep(until: began + .milliseconds(8300))
            } else {
                server.clock.advance(by: 29)
                #expect(try await server.register(user, for: id, key: "crashed").code == "idempotency_request_in_progress")
                server.clock.advance(by: 2)
            }
            #expect(try await server.confirmedCount(id) == 0)

            let retried = try await server.register(user, for: id, key: "crashed")
            #expect(retried.status == 201)
            #expect(try await server.register(user, for: id, key: "crashed").body == retried.body)
            #expect(try await server.confirmedCount(id) == 1)
        }
    }

    @Test(arguments: Backend.all)
    func rejectedRequestsAreNotStored(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer)
            #expect(try await server.register(organizer, for: id, key: "org-key").status == 403)
            #expect(try await server.request(.POST, "/api/competitions/\(id)/register", headers: [("Idempotency-Key", "anon")]).status == 401)

            let invalid = try await server.request(.POST, "/api/competitions", token: organizer.token,
                                                   json: ["title": "", "capacity": 5], headers: [("Idempotency-Key", "create-1")])
            #expect(invalid.status == 400)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM idempotency_keys") == 0)

            let valid: [String: Any] = ["title": "Retry Cup", "capacity": 5, "regDeadline": iso(Date().addingTimeInterval(3600))]
            let created = try await server.request(.POST, "/api/competitions", token: organizer.token, json: valid,
                                                   headers: [("Idempotency-Key", "create-1")])
            #expect(created.status == 201)
            let replay = try await server.request(.POST, "/api/competitions", token: organizer.token, json: valid,
                                                  headers: [("Idempotency-Key", "create-1")])
            #expect(replay.status == 201 && replay.body == created.body)
            #expect(replay.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(replay.headers.first(name: "Location") == created.headers.first(name: "Location"))
            #expect(try await server.count("SELECT COUNT(*) AS n FROM competitions WHERE title = 'Retry Cup'") == 1)
        }
    }

    @Test(arguments: Backend.all)
    func outcomesExpireAfterRetention(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let user = try await server.signup()
            let id = try await server.createCompetition(by: organizer)
            _ = try await server.register(user, for: id, key: "old")
            server.clock.advance(by: 23 * 3600)
            #expect(try await server.system.services.idempotency.purgeExpired() == 0)
            #expect(try await server.register(user, for: id, key: "old").status == 201, "kept for 24 hours")
            server.clock.advance(by: 2 * 3600)
            #expect(try await server.system.services.idempotency.purgeExpired() == 1)
            let rerun = try await server.register(user, for: id, key: "old")
            #expect(rerun.status == 409 && rerun.code == "already_registered", "the forgotten key runs anew")
        }
    }

    /// The stored outcome and the registration commit together: if the outcome cannot be
    /// stored (the lease was lost), the registration, seat and outbox row roll back with it.
    @Test(arguments: Backend.all)
    func registrationRollsBackWhenItsOutcomeCannotBeStored(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let user = try await server.signup()
            let id = try await server.createCompetition(by: organizer)
            let store = SQLRegistrationStore(context: SQLContext(database: server.system.app.db))
            let lostLease = IdempotencyLease(userId: UUID(uuidString: user.id)!, key: "lost", token: UUID())
            await #expect(throws: DomainError.self) {
                _ = try await store.register(
                    userId: UUID(uuidString: user.id)!, competitionId: UUID(uuidString: id)!,
                    registrationId: UUID(), submission: FormSubmission(), now: Date(), lease: lostLease
                )
            }
            #expect(try await server.confirmedCount(id) == 0)
            #expect(try await server.competition(id)["registeredCount"] as? Int == 0)
            #expect(try await server.outboxCount(topic: "registration:confirmation") == 0)
        }
    }
}
