import CompeteCore
import CompeteJobs
import CompeteStore
import Foundation
import SQLKit
import Testing

/// The outbox → queue → worker → mailbox path: nothing lost, nothing twice.
@Suite(.serialized) struct JobsTests {
    @Test(arguments: Backend.all)
    func everyRegistrationGetsOneConfirmationThroughAFlakyTransport(backend: Backend) async throws {
        try await withServer(backend, configure: {
            $0.jobMaxAttempts = 40
            $0.jobBackoffBase = 0
            $0.jobBackoffJitter = 0
        }) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, capacity: 200)
            let users = try await withThrowingTaskGroup(of: TestUser.self) { group in
                for index in 0..<200 { group.addTask { try await server.signup(name: "Mail \(index)") } }
                return try await group.reduce(into: [TestUser]()) { $0.append($1) }
            }
            try await withThrowingTaskGroup(of: Int.self) { group in
                for user in users { group.addTask { try await server.register(user, for: id).status } }
                for try await status in group { #expect(status == 201) }
            }

            // Two workers compete for the same queue; half the deliveries fail.
            let flaky = { (mailbox: SQLMailbox) in FlakyMailTransport(base: mailbox, failureRate: 0.5, random: { Double.random(in: 0..<1) }) }
            let transports = [CountingTransport(base: flaky(SQLMailbox(context: SQLContext(database: server.system.app.db)))),
                              CountingTransport(base: flaky(SQLMailbox(context: SQLContext(database: server.system.app.db))))]
            try await server.drain(transports.map { transport in server.worker { _ in transport } })

            #expect(try await server.mailCount(kind: "confirmation") == 200)
            let perUser = try await server.messagesPerUser(kind: "confirmation")
            #expect(perUser.count == 200 && perUser.values.allSatisfy { $0 == 1 })
            #expect(Set(perUser.keys) == Set(users.map { UUID(uuidString: $0.id)! }))
            let stats = try await server.system.queue.stats()
            #expect(stats.completed == 200 && stats.dead == 0)
            let attempts = transports.map(\.count).reduce(0, +)
            #expect(attempts > 300, "the 50% failure rate must have forced retries (\(attempts) attempts)")
        }
    }

    @Test(arguments: Backend.all)
    func mailboxShowsConfirmationAndCancellationNewestFirst(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let user = try await server.signup()
            let other = try await server.signup()
            let id = try await server.createCompetition(by: organizer, title: "Mailbox Cup", capacity: 1)
            let worker = server.system.makeWorker()
            #expect(try await server.register(user, for: id).status == 201)
            // A registration that rolled back (full) never produces a job or a message.
            #expect(try await server.register(other, for: id).code == "competition_full")
            try await server.drain([worker])
            _ = try await server.request(.DELETE, "/api/competitions/\(id)/register", token: user.token)
            try await server.drain([worker])

            let mailbox = try await server.request(.GET, "/api/users/me/mailbox", token: user.token)
            #expect(mailbox.status == 200)
            #expect(mailbox.items.compactMap { $0["kind"] as? String } == ["cancellation", "confirmation"])
            let confirmation = try #require(mailbox.items.last)
            #expect(confirmation["to"] as? String == user.email)
            #expect((confirmation["subject"] as? String)?.contains("Mailbox Cup") == true)
            let body = try #require(confirmation["body"] as? String)
            #expect(body.contains("Mailbox Cup") && body.contains("UTC") && body.contains("/api/competitions/\(id)/register"))
            #expect(confirmation["sentAt"] is String && confirmation["id"] is String)

            #expect(try await server.request(.GET, "/api/users/me/mailbox", token: other.token).items.isEmpty)
            #expect(try await server.request(.GET, "/api/users/me/mailbox").status == 401)
            #expect(try await server.system.queue.stats().completed == 2)

            // The janitor's sweep: completed jobs are kept for inspection, then deleted (the
            // Redis queue keeps none, only their count).
            let queue = server.system.queue
            #expect(try await queue.purgeCompleted(before: server.clock.now().addingTimeInterval(-60)) == 0)
            #expect(try await queue.purgeCompleted(before: server.clock.now().addingTimeInterval(60)) == (backend.usesRedis ? 0 : 2))
            #expect(try await queue.stats().completed == (backend.usesRedis ? 2 : 0))
        }
    }

    /// With every delivery failing, a job is retried with growing delays (measured on the
    /// injected clock), dead-lettered once after its last attempt, listed and re-queued by the
    /// CLI, and then delivered once.
    @Test(arguments: Backend.all)
    func deadLettersAfterTheLastAttemptAndRetryFromTheCLI(backend: Backend) async throws {
        try await withServer(backend, configure: {
            $0.mailFailureRate = 1
            $0.jobMaxAttempts = 4
            $0.jobBackoffBase = 10
            $0.jobBackoffFactor = 3
            $0.jobBackoffJitter = 0
        }) { server in
            let organizer = try await server.signup(role: "organizer")
            let user = try await server.signup()
            let id = try await server.createCompetition(by: organizer)
            let registrationId = try #require(try await server.register(user, for: id).json["registrationId"] as? String)
            let worker = server.system.makeWorker()
            server.clock.freeze()

            for (attempt, delay) in [(1, 10.0), (2, 30.0), (3, 90.0)] {
                #expect(try await worker.tick() == 1)
                let jobs = try await server.unfinishedJobs()
                let job = try #require(jobs.first)
                #expect(jobs.count == 1 && job.attempts == attempt && !job.active)
                let runAt = try #require(job.runAt)
                #expect(abs(runAt.timeIntervalSince(server.clock.now()) - delay) < 1, "attempt \(attempt) backs off \(delay)s")
                #expect(job.lastError?.contains("simulated") == true)
                server.clock.advance(by: delay - 2)
                #expect(try await worker.tick() == 0, "not due before its backoff ends")
                server.clock.advance(by: 2)
            }
            #expect(try await worker.tick() == 1)
            #expect(try await server.unfinishedJobs().isEmpty)
            let dead = try await server.system.queue.deadLetters(limit: 10)
            #expect(dead.count == 1)
            let letter = try #require(dead.first)
            #expect(letter.attempts == 4 && letter.type == "registration:confirmation")
            #expect(letter.lastError.contains("simulated") && letter.payload.lowercased().contains(registrationId))
            #expect(try await server.mailCount(kind: "confirmation") == 0)
            #expect(try await server.system.queue.stats().dead == 1)

            let env = server.childEnvironment()
            let failed = try await Executable.run(["jobs", "failed"], environment: env)
            #expect(failed.status == 0 && failed.output.contains(letter.jobId.uuidString.lowercased()))
            #expect(failed.output.contains("attempts=4"))
            let stats = try await Executable.run(["jobs", "stats"], environment: env)
            #expect(stats.output.contains("dead       1"))
            let retried = try await Executable.run(["jobs", "retry", "--all"], environment: env)
            #expect(retried.status == 0 && retried.output.contains("re-queued 1"))

            // Mail works again: a worker with a healthy transport delivers it, once.
            try await server.drain([server.worker { $0 }])
            #expect(try await server.mailCount(kind: "confirmation") == 1)
            #expect(try await server.system.queue.stats().dead == 0)
            #expect(try await server.system.queue.requeueDead(ids: nil, now: Date()) == 0)
        }
    }

    /// A worker process killed with SIGKILL while holding jobs: once its lease runs out another
    /// worker takes them over, and each job delivers exactly one message.
    @Test(arguments: Backend.all)
    func jobsOfAKilledWorkerCompleteExactlyOnce(backend: Backend) async throws {
        try await withServer(backend, configure: { $0.jobLease = 2 }) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, capacity: 20)
            for _ in 0..<20 { _ = try await server.register(try await server.signup(), for: id) }

            let child = try Executable.start(["worker"], environment: server.childEnvironment([
                "JOB_LEASE_SECONDS": "2", "MAIL_DELAY_MS": "600000", "WORKER_CONCURRENCY": "50", "WORKER_POLL_MS": "50",
            ]))
            var held = 0
            for _ in 0..<300 where held < 20 {
                try await Task.sleep(for: .milliseconds(100))
                held = try await server.system.queue.stats().active
            }
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            #expect(held == 20, "the child worker should have claimed every job before being killed")
            #expect(try await server.mailCount(kind: "confirmation") == 0)

            // The jobs stay with the dead worker until its lease runs out, then move on.
            let worker = server.system.makeWorker(name: "survivor")
            #expect(try await server.unfinishedJobs().allSatisfy { $0.active && $0.attempts == 1 })
            for _ in 0..<100 where try await server.system.queue.stats().completed < 20 {
                try await worker.tick()
                try await Task.sleep(for: .milliseconds(200))
            }
            let perUser = try await server.messagesPerUser(kind: "confirmation")
            #expect(perUser.count == 20 && perUser.values.allSatisfy { $0 == 1 })
            #expect(try await server.system.queue.stats().completed == 20)
        }
    }

    /// Three schedulers ticking ten times each enqueue exactly one reminder per active
    /// registration of a competition starting within 24 hours, and one more in its last hour.
    @Test(arguments: Backend.all)
    func remindersAreSentExactlyOnce(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let soon = try await server.createCompetition(by: organizer, title: "Soon", capacity: 50, deadlineIn: 3600, startIn: 7200)
            let later = try await server.createCompetition(by: organizer, title: "Later", capacity: 50, deadlineIn: 3600, startIn: 3 * 86400)
            var participants: [TestUser] = []
            for _ in 0..<31 {
                let user = try await server.signup()
                _ = try await server.register(user, for: soon)
                _ = try await server.register(user, for: later)
                participants.append(user)
            }
            let quitter = participants.removeLast()
            _ = try await server.request(.DELETE, "/api/competitions/\(soon)/register", token: quitter.token)

            let store = SQLReminderStore(context: SQLContext(database: server.system.app.db))
            let schedulers = (0..<3).map { _ in ReminderScheduler(store: store, now: { server.clock.now() }) }
            let scheduled = try await withThrowingTaskGroup(of: Int.self) { group in
                for scheduler in schedulers {
                    group.addTask {
                        var total = 0
                        for _ in 0..<10 { total += try await scheduler.tick() }
                        return total
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(scheduled == 30)
            try await server.drain([server.system.makeWorker(name: "a"), server.system.makeWorker(name: "b")])
            let reminded = try await server.messagesPerUser(kind: "reminder")
            #expect(reminded.count == 30 && reminded.values.allSatisfy { $0 == 1 })
            #expect(reminded[UUID(uuidString: quitter.id)!] == nil, "a cancelled registration gets no reminder")

            // Registering inside the window still earns a reminder; cancelling before it is
            // delivered withdraws it.
            let lateComer = try await server.signup()
            let wavering = try await server.signup()
            _ = try await server.register(lateComer, for: soon)
            _ = try await server.register(wavering, for: soon)
            #expect(try await schedulers[0].tick() == 2)
            _ = try await server.request(.DELETE, "/api/competitions/\(soon)/register", token: wavering.token)
            try await server.drain([server.system.makeWorker()])
            let after = try await server.messagesPerUser(kind: "reminder")
            #expect(after.count == 31 && after[UUID(uuidString: lateComer.id)!] == 1 && after[UUID(uuidString: wavering.id)!] == nil)

            // In the last hour before "Soon" starts, the second reminder goes out, once each.
            server.clock.advance(by: 3600 + 60)
            let lastHour = try await withThrowingTaskGroup(of: Int.self) { group in
                for scheduler in schedulers {
                    group.addTask {
                        var total = 0
                        for _ in 0..<5 { total += try await scheduler.tick() }
                        return total
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(lastHour == 31)
            try await server.drain([server.system.makeWorker()])
            let twice = try await server.messagesPerUser(kind: "reminder")
            #expect(twice.count == 31 && twice.values.allSatisfy { $0 == 2 }, "one 24 h and one 1 h reminder each")
            let subjects = try await server.sql.raw("SELECT subject FROM mailbox WHERE kind = 'reminder'").all()
                .map { try $0.decode(column: "subject", as: String.self) }
            #expect(subjects.filter { $0.hasPrefix("Starting within the hour") }.count == 31)

            // Two days later "Later" enters the window: its 31 participants get theirs.
            server.clock.advance(by: 2 * 86400 - 3600)
            #expect(try await schedulers[1].tick() == 31)
        }
    }

    @Test(arguments: Backend.all)
    func healthReportsQueueCounts(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer)
            _ = try await server.register(try await server.signup(), for: id)
            let health = try await server.request(.GET, "/api/health")
            #expect(health.status == 200 && health.json["status"] as? String == "ok")
            let checks = try #require(health.json["checks"] as? [String: Any])
            #expect(checks["database"] as? String == "ok" && checks["redis"] as? String == (backend.usesRedis ? "ok" : "disabled"))
            let queue = try #require(checks["queue"] as? [String: Any])
            #expect(queue["outbox"] as? Int == 1 && queue["dead"] as? Int == 0 && queue["status"] as? String == "ok")
        }
    }
}
