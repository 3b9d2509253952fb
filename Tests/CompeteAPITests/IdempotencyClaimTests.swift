@testable import CompeteAPI
import CompeteCore
import CompeteStore
import Foundation
import Testing

/// A new key is claimed by the work's own transaction, together with the outcome (one commit per
/// request); these pin down what happens when another request gets there first.
@Suite struct IdempotencyClaimTests {
    /// Keys in the database (not Redis, which claims its own way).
    @Test(arguments: Backend.all.filter { $0 != .postgresRedis })
    func aNewKeyIsLeftForTheWorkToClaim(backend: Backend) async throws {
        try await withServer(backend) { server in
            let user = try await server.signup()
            let start = try await server.system.services.idempotency.beginDeferringClaim(IdempotencyRequest(
                userId: UUID(uuidString: user.id)!, key: try IdempotencyKey(header: "new"), fingerprint: "f"
            ))
            guard case .unclaimed(let lease) = start else { throw TestFailure("expected an unclaimed lease") }
            #expect(lease.external)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM idempotency_keys") == 0, "nothing written before the work")
        }
    }

    /// A request that ran under an unclaimed key while another one claimed and finished it rolls
    /// back completely: no second registration, seat or outbox row.
    @Test(arguments: Backend.all)
    func workLosingTheKeyRollsBack(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let user = try await server.signup()
            let id = try await server.createCompetition(by: organizer)
            let userId = UUID(uuidString: user.id)!
            let first = try await server.register(user, for: id, key: "raced")
            #expect(first.status == 201)

            let store = SQLRegistrationStore(context: SQLContext(database: server.system.app.db))
            let unclaimed = IdempotencyLease(userId: userId, key: "raced", token: UUID(), fingerprint: "f", external: true)
            let other = try await server.createCompetition(by: organizer)
            await #expect(throws: DomainError.idempotencyRequestInProgress(retryAfterSeconds: 1)) {
                _ = try await store.register(
                    userId: userId, competitionId: UUID(uuidString: other)!, registrationId: UUID(), submission: FormSubmission(),
                    now: Date(), lease: unclaimed
                )
            }
            #expect(try await server.confirmedCount(other) == 0)
            #expect(try await server.competition(other)["registeredCount"] as? Int == 0)
            #expect(try await server.outboxCount(topic: "registration:confirmation") == 1)
            #expect(try await server.register(user, for: id, key: "raced").body == first.body, "the first outcome stands")
        }
    }

    /// Two identical requests at once under one new key: one registers, the other is answered
    /// with its outcome (or, if it raced the first's commit, 409 in progress), never twice.
    @Test(arguments: Backend.all)
    func simultaneousDuplicatesRegisterOnce(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let user = try await server.signup()
            let id = try await server.createCompetition(by: organizer)
            async let a = server.register(user, for: id, key: "twice")
            async let b = server.register(user, for: id, key: "twice")
            let answers = try await [a, b]
            #expect(answers.filter { $0.status == 201 }.count >= 1)
            #expect(answers.allSatisfy { $0.status == 201 || $0.code == "idempotency_request_in_progress" })
            let created = answers.filter { $0.status == 201 }
            #expect(Set(created.map(\.body)).count == 1, "a replay carries the same bytes")
            #expect(try await server.confirmedCount(id) == 1)
            #expect(try await server.outboxCount(topic: "registration:confirmation") == 1)
        }
    }
}
