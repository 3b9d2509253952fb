@testable import CompeteAPI
import CompeteCore
@testable import CompeteStore
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Testing

/// Group commit (issue 18): registrations for one competition that arrive while a write for it is
/// in flight are written together, and each member gets the answer it would have had alone.
/// The batches here are composed by hand (the store's batch write, called directly) so every
/// member's case is certain; the storms go through HTTP.
@Suite struct GroupCommitTests {
    /// One of everything in one batch: already registered, a seat, the last seat, a key twice
    /// (a replay racing its original), a second key of a user placed earlier in the batch, two
    /// waitlist places and one over capacity.
    @Test(arguments: Backend.all)
    func aBatchAnswersEveryMemberAsIfAlone(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let hook = try await server.request(.POST, "/api/webhooks", token: organizer.token, json: [
                "url": "http://127.0.0.1:9/hook", "events": ["*"],
            ])
            #expect(hook.status == 201)
            let id = try await server.createCompetition(by: organizer, capacity: 3, waitlist: 2)
            let competitionId = UUID(uuidString: id)!
            var users: [UUID] = []
            for _ in 0..<6 { users.append(UUID(uuidString: try await server.signup().id)!) }
            let holder = try await server.signup()
            #expect(try await server.register(holder, for: id).status == 201)
            let context = SQLContext(database: server.system.app.db)
            let now = Date()
            let twice = IdempotencyLease(userId: users[1], key: "twice", token: UUID(), fingerprint: "f", startedAt: now, external: true)
            let batch = [
                try await pending(UUID(uuidString: holder.id)!, competitionId, key: "k0", context),  // already registered
                try await pending(users[0], competitionId, key: "k1", context),  // seat 2 of 3
                pending(users[1], competitionId, lease: twice, now: now),  // seat 3 of 3: the last
                pending(users[1], competitionId, lease: twice, now: now),  // the same key again
                try await pending(users[1], competitionId, key: "k2", context),  // placed earlier in this batch
                try await pending(users[2], competitionId, key: "k3", context),  // waitlist 1
                pending(users[3], competitionId, lease: nil, now: now),  // waitlist 2, no key
                try await pending(users[4], competitionId, key: "k4", context),  // full
            ]
            let results = try await SQLRegistrationStore.registerTogether(batch, context: context)
            try #require(results.count == batch.count)
            #expect(try results[0].get() == .refused(.alreadyRegistered))
            #expect(try results[1].get().status == .confirmed)
            #expect(try results[2].get().status == .confirmed)
            #expect(throws: DomainError.idempotencyRequestInProgress(retryAfterSeconds: 1)) { try results[3].get() }
            #expect(try results[4].get() == .refused(.alreadyRegistered))
            #expect(try results[5].get().position == 1)
            #expect(try results[6].get().position == 2)
            #expect(try results[7].get() == .refused(.full))

            #expect(try await server.confirmedCount(id) == 3)
            #expect(try await server.competition(id)["registeredCount"] as? Int == 3)
            #expect(try await server.count("""
                SELECT COUNT(*) AS n FROM registrations WHERE competition_id = \(bind: competitionId) AND status = 'waitlisted'
                """) == 2)
            #expect(try await server.count("SELECT waitlist_count AS n FROM competitions WHERE id = \(bind: competitionId)") == 2)
            #expect(try await server.outboxCount(topic: "registration:confirmation") == 3)
            // One stored outcome per key in the batch (the duplicate stored nothing of its own).
            #expect(try await server.count("SELECT COUNT(*) AS n FROM idempotency_keys WHERE outcome IS NOT NULL") == 6)
            let stored = try await SQLIdempotencyStore(context: context).outcome(userId: users[1], key: "twice")
            #expect(try stored?.outcome.decode(RegistrationOutcome.self) == results[2].get())
            // Events in order: the holder's seat, two seats, full right after the last, two waitlist places.
            let types = try await server.sql.raw("""
                SELECT e.type FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id ORDER BY d.seq
                """).all(decodingColumn: "type", as: String.self)
            #expect(types == [
                "registration.confirmed", "registration.confirmed", "registration.confirmed", "competition.full",
                "registration.waitlisted", "registration.waitlisted",
            ])
        }
    }

    /// A member whose lease was taken over cannot store its outcome, which rolls the whole
    /// batch back; the batch is then written one by one: the others keep their answers, the
    /// lost one is told its key is in flight elsewhere, and nothing of it is written.
    @Test(arguments: Backend.all)
    func aLostLeaseSendsTheBatchOneByOne(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, capacity: 10)
            let competitionId = UUID(uuidString: id)!
            var users: [UUID] = []
            for _ in 0..<3 { users.append(UUID(uuidString: try await server.signup().id)!) }
            let context = SQLContext(database: server.system.app.db)
            let held = try await pending(users[1], competitionId, key: "lost", context)
            let lost = IdempotencyLease(
                userId: users[1], key: "lost", token: UUID(), fingerprint: "f", startedAt: Date()  // not the token that holds it
            )
            let batch = [
                try await pending(users[0], competitionId, key: "a", context),
                pending(users[1], competitionId, lease: lost, now: held.now),
                try await pending(users[2], competitionId, key: "c", context),
            ]
            await #expect(throws: DomainError.idempotencyRequestInProgress(retryAfterSeconds: 1)) {
                _ = try await SQLRegistrationStore.registerTogether(batch, context: context)
            }
            #expect(try await server.confirmedCount(id) == 0, "the failed batch rolled back whole")
            let results = await SQLRegistrationStore.write(batch, context: context, hints: NoSeatHints())
            #expect(try results[0].get().status == .confirmed)
            #expect(throws: DomainError.idempotencyRequestInProgress(retryAfterSeconds: 1)) { try results[1].get() }
            #expect(try results[2].get().status == .confirmed)
            #expect(try await server.confirmedCount(id) == 2)
            #expect(try await server.competition(id)["registeredCount"] as? Int == 2)
            #expect(try await server.count("""
                SELECT COUNT(*) AS n FROM registrations WHERE user_id = \(bind: users[1])
                """) == 0)
        }
    }

    /// A double click: by the time the second press is in a batch, the first has stored its
    /// outcome (nobody reads a key before the batch claims it). The batch's claim finds the key taken, so
    /// that member writes nothing and is answered as a key in flight (the service then replays
    /// the first press); the rest of the batch goes ahead in the same transaction.
    @Test(arguments: Backend.all)
    func aKeyStoredMeanwhileLeavesTheRestOfTheBatchAlone(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, capacity: 10)
            let competitionId = UUID(uuidString: id)!
            let clicker = try await server.signup()
            let first = try await server.register(clicker, for: id, key: "double-click")
            #expect(first.status == 201)
            let clickerId = UUID(uuidString: clicker.id)!
            let other = UUID(uuidString: try await server.signup().id)!
            let now = Date()
            let second = IdempotencyLease(userId: clickerId, key: "double-click", token: UUID(), fingerprint: "f", startedAt: now, external: true)
            let results = try await SQLRegistrationStore.registerTogether([
                pending(clickerId, competitionId, lease: second, now: now),
                try await pending(other, competitionId, key: "other", SQLContext(database: server.system.app.db)),
            ], context: SQLContext(database: server.system.app.db))
            #expect(throws: DomainError.idempotencyRequestInProgress(retryAfterSeconds: 1)) { try results[0].get() }
            #expect(try results[1].get().status == .confirmed)
            #expect(try await server.confirmedCount(id) == 2)
            let replay = try await server.register(clicker, for: id, key: "double-click")
            #expect(replay.body == first.body && replay.headers.first(name: "Idempotent-Replayed") == "true")
        }
    }

    /// The form is read with the batch's lock and checked per member: a refused submission gets
    /// its validation error and stores nothing, the others in the batch go ahead; with approval
    /// every accepted one is pending.
    @Test(arguments: Backend.all)
    func theFormIsCheckedPerMemberInsideTheBatch(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let context = SQLContext(database: server.system.app.db)
            for approval in [false, true] {
                let id = try await server.createCompetition(by: organizer, capacity: 5, form: [
                    "rules": "Play fair.", "requiresApproval": approval,
                ])
                let competitionId = UUID(uuidString: id)!
                var users: [UUID] = []
                for _ in 0..<3 { users.append(UUID(uuidString: try await server.signup().id)!) }
                let accepted = FormSubmission(acceptRules: .bool(true))
                let batch = [
                    try await pending(users[0], competitionId, key: "ok-\(approval)", context, submission: accepted),
                    try await pending(users[1], competitionId, key: "bad-\(approval)", context, submission: FormSubmission()),
                    try await pending(users[2], competitionId, key: "ok2-\(approval)", context, submission: accepted),
                ]
                let results = try await SQLRegistrationStore.registerTogether(batch, context: context)
                let status: RegistrationStatus = approval ? .pending : .confirmed
                #expect(try results[0].get().status == status)
                #expect(throws: DomainError.self) { try results[1].get() }
                #expect(try results[2].get().status == status)
                #expect(try await server.count("""
                    SELECT COUNT(*) AS n FROM registrations WHERE competition_id = \(bind: competitionId)
                    """) == 2)
                #expect(try await server.count("""
                    SELECT COUNT(*) AS n FROM idempotency_keys WHERE key = \(bind: "bad-\(approval)") AND outcome IS NOT NULL
                    """) == 0, "a refused form stores nothing under its key")
            }
        }
    }

    /// Registrations, cancellations and capacity rises for one competition at once: the
    /// counters equal the rows, nobody is over capacity or registered twice, and no seat stays
    /// free while someone waits.
    @Test(arguments: Backend.all)
    func cancelsAndCapacityChangesInterleaveWithBatches(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, capacity: 20, waitlist: 15)
            var early: [TestUser] = []
            for _ in 0..<10 {
                let user = try await server.signup()
                #expect(try await server.register(user, for: id).status == 201)
                early.append(user)
            }
            var late: [TestUser] = []
            for _ in 0..<50 { late.append(try await server.signup()) }
            let answers = try await withThrowingTaskGroup(of: Int?.self) { group in
                for (index, user) in late.enumerated() {
                    group.addTask { try await server.register(user, for: id, key: "storm-\(index)").status }
                }
                for user in early.prefix(5) {
                    group.addTask {
                        let cancelled = try await server.request(.DELETE, "/api/competitions/\(id)/register", token: user.token)
                        #expect(cancelled.status == 200)
                        return nil
                    }
                }
                group.addTask {
                    for capacity in [22, 24] {
                        let raised = try await server.request(
                            .PATCH, "/api/competitions/\(id)", token: organizer.token, json: ["capacity": capacity]
                        )
                        #expect(raised.status == 200)
                    }
                    return nil
                }
                return try await group.reduce(into: [Int]()) { if let status = $1 { $0.append(status) } }
            }
            #expect(answers.allSatisfy { [201, 202, 409].contains($0) }, "\(answers)")
            let competitionId = UUID(uuidString: id)!
            let confirmed = try await server.confirmedCount(id)
            let waitlisted = try await server.count("""
                SELECT COUNT(*) AS n FROM registrations WHERE competition_id = \(bind: competitionId) AND status = 'waitlisted'
                """)
            let row = try await server.competition(id)
            let capacity = try #require(row["capacity"] as? Int)
            #expect(row["registeredCount"] as? Int == confirmed)
            #expect(try await server.count("SELECT waitlist_count AS n FROM competitions WHERE id = \(bind: competitionId)") == waitlisted)
            #expect(confirmed <= capacity && waitlisted <= 15)
            #expect(confirmed == capacity || waitlisted == 0, "a free seat while someone waits: \(confirmed)/\(capacity), \(waitlisted) waiting")
            #expect(try await server.count("""
                SELECT COUNT(*) AS n FROM (SELECT user_id FROM registrations
                WHERE competition_id = \(bind: competitionId) AND status <> 'cancelled' GROUP BY user_id HAVING COUNT(*) > 1) twice
                """) == 0)
            #expect(try await server.count("""
                SELECT COUNT(*) AS n FROM idempotency_keys WHERE key LIKE 'storm-%' AND outcome IS NOT NULL
                """) == 50, "one stored outcome per keyed request")
        }
    }

    /// The queue itself: what arrives during a write waits and goes in the next one (at most
    /// `maxBatch` at a time), every member gets its own answer, and another competition's
    /// registration is not held up behind it.
    @Test func requestsArrivingDuringAWriteAreWrittenTogether() async throws {
        let batches = NIOLockedValueBox<[[Int]]>([])
        let (opened, open) = AsyncStream<Void>.makeStream()
        let commit = GroupCommit<Int, Int>(maxBatch: 4) { batch in
            batches.withLockedValue { $0.append(batch) }
            if batch == [0] { for await _ in opened { break } }
            return batch.map { .success($0 * 10) }
        }
        let hot = UUID()
        async let first = commit.submit(0, to: hot)
        while batches.withLockedValue({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(5)) }
        let waiting = Task {
            try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for member in 1...9 { group.addTask { (member, try await commit.submit(member, to: hot)) } }
                return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
            }
        }
        #expect(try await commit.submit(99, to: UUID()) == 990, "another competition goes at once")
        try await Task.sleep(for: .milliseconds(300))
        open.yield()
        #expect(try await first == 0)
        let answers = try await waiting.value
        #expect(answers == Dictionary(uniqueKeysWithValues: (1...9).map { ($0, $0 * 10) }))
        let written = batches.withLockedValue { $0 }.filter { $0 != [99] }
        #expect(written.first == [0])
        #expect(written.allSatisfy { $0.count <= 4 })
        #expect(written.dropFirst().contains { $0.count > 1 }, "\(written)")
        #expect(written.flatMap { $0 }.sorted() == Array(0...9), "each member written once")
    }

    private func pending(
        _ user: UUID, _ competitionId: UUID, key: String, _ context: SQLContext, submission: FormSubmission = FormSubmission()
    ) async throws -> SQLRegistrationStore.Pending {
        let now = Date()
        let start = try await SQLIdempotencyStore(context: context).begin(
            IdempotencyRequest(userId: user, key: try IdempotencyKey(header: key), fingerprint: "f"), now: now,
            policy: IdempotencyPolicy()
        )
        guard case .started(let lease) = start else { throw TestFailure("expected a new key") }
        return pending(user, competitionId, lease: lease, now: now, submission: submission)
    }

    private func pending(
        _ user: UUID, _ competitionId: UUID, lease: IdempotencyLease?, now: Date, submission: FormSubmission = FormSubmission()
    ) -> SQLRegistrationStore.Pending {
        SQLRegistrationStore.Pending(
            id: UUID(), userId: user, competitionId: competitionId, submission: submission, now: now, lease: lease
        )
    }
}

private extension RegistrationOutcome {
    var status: RegistrationStatus? {
        switch self {
        case .confirmed(let receipt), .waitlisted(let receipt), .pending(let receipt): receipt.status
        case .refused: nil
        }
    }

    var position: Int? {
        if case .waitlisted(let receipt) = self { return receipt.position }
        return nil
    }
}
