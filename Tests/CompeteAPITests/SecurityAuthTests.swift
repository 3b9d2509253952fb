import CompeteApp
import CompeteRedis
import Foundation
import Testing

/// Issue 14, items 2, 3, 4 (email length), 5 and 8, over real HTTP: password guessing and its
/// race, spraying, sign-up floods, hashing that must not starve the database, control and
/// format characters, and seat hoarding. Every test checks the status and that nothing was
/// written or leaked.
@Suite struct SecurityAuthTests {
    static let login = "/api/auth/login"
    static let signup = "/api/auth/signup"

    // MARK: - Item 2: the login race and password spraying

    /// 20 wrong passwords at once for one account: the budget is counted before bcrypt, so
    /// exactly `LOGIN_MAX_FAILURES` are verified (401) and the rest are refused (429).
    @Test(arguments: Backend.all)
    func aParallelBurstGetsNoMoreGuessesThanTheBudget(backend: Backend) async throws {
        try await withServer(backend, configure: { $0.loginMaxFailures = 5 }) { server in
            let user = try await server.signup()
            let answers = try await withThrowingTaskGroup(of: APIResponse.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await server.request(.POST, Self.login, json: ["email": user.email, "password": "wrong-\(index)"])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let statuses = answers.map(\.status)
            #expect(statuses.filter { $0 == 401 }.count == 5, "\(statuses.sorted())")
            #expect(statuses.filter { $0 == 429 }.count == 15, "\(statuses.sorted())")
            for refused in answers where refused.status == 429 {
                #expect(refused.code == "rate_limited" && refused.isProblem)
                #expect((refused.headers.first(name: "Retry-After").flatMap(Int.init) ?? 0) > 0)
            }
            #expect(answers.allSatisfy { $0.json["token"] == nil && !$0.text.contains("$2") }, "no token, no hash")
            // Even the right password waits out the window now.
            let right = try await server.request(.POST, Self.login, json: ["email": user.email, "password": "password123"])
            #expect(right.status == 429 && right.json["token"] == nil)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM users") == 1)
        }
    }

    /// One address trying one password across many emails: its budget across all emails runs
    /// out; logins that succeed take their attempt back.
    @Test(arguments: Backend.all)
    func sprayingFromOneAddressRunsOutOfBudget(backend: Backend) async throws {
        try await withServer(backend, configure: { $0.rateLimits.loginPerAddress.limit = 4 }) { server in
            let user = try await server.signup()
            for _ in 0..<6 {
                let ok = try await server.request(.POST, Self.login, json: ["email": user.email, "password": "password123"])
                #expect(ok.status == 200, "successes do not use up the address's budget")
            }
            for index in 0..<4 {
                let guess = try await server.request(.POST, Self.login, json: ["email": "victim\(index)@example.com", "password": "Summer2025!"])
                #expect(guess.status == 401 && guess.code == "invalid_credentials")
            }
            let fifth = try await server.request(.POST, Self.login, json: ["email": "victim4@example.com", "password": "Summer2025!"])
            #expect(fifth.status == 429 && fifth.code == "rate_limited" && fifth.isProblem)
            #expect((fifth.headers.first(name: "Retry-After").flatMap(Int.init) ?? 0) > 0)
            let owner = try await server.request(.POST, Self.login, json: ["email": user.email, "password": "password123"])
            #expect(owner.status == 429 && owner.json["token"] == nil, "the whole address waits")
            #expect(try await server.count("SELECT COUNT(*) AS n FROM users") == 1)
        }
    }

    /// One address creating accounts: valid sign-ups beyond `SIGNUP_ADDRESS_MAX` get 429 and
    /// create nothing; invalid ones (400) cost nothing.
    @Test(arguments: Backend.all)
    func signupsFromOneAddressAreBudgeted(backend: Backend) async throws {
        try await withServer(backend, configure: { $0.rateLimits.signupPerAddress.limit = 3 }) { server in
            let invalid = try await server.request(.POST, Self.signup, json: ["name": "A", "email": "nope", "password": "password123"])
            #expect(invalid.status == 400)
            for index in 0..<3 {
                let created = try await server.request(.POST, Self.signup, json: [
                    "name": "Bot \(index)", "email": "bot\(index)@example.com", "password": "password123",
                ])
                #expect(created.status == 201)
            }
            let refused = try await server.request(.POST, Self.signup, json: ["name": "Bot", "email": "bot3@example.com", "password": "password123"])
            #expect(refused.status == 429 && refused.code == "rate_limited" && refused.isProblem && refused.json["token"] == nil)
            let retryAfter = try #require(refused.headers.first(name: "Retry-After").flatMap(Int.init))
            #expect(retryAfter > 0 && retryAfter <= 3600)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM users") == 3)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM users WHERE email = 'bot3@example.com'") == 0)

            // The web form spends the same budget and says so.
            let browser = WebClient(base: server.webURL)
            try await browser.get("/signup")
            let page = try await browser.post("/signup", ["name": "Bot", "email": "bot4@example.com", "password": "password123"])
            #expect(page.status == 429 && page.headers.first(name: "Retry-After") != nil && page.text.contains("Too many attempts"))
            #expect(try await server.count("SELECT COUNT(*) AS n FROM users") == 3)
        }
    }

    /// Redis configured but down: the limits fall back to this process instead of letting
    /// every attempt through.
    @Test func withRedisDownTheLimitsHoldInProcess() async throws {
        try await withServer(.sqlite, configure: {
            $0.redis = try? RedisConfiguration(url: "redis://127.0.0.1:9/0", connectTimeout: .milliseconds(200), commandTimeout: .milliseconds(200))
            $0.loginMaxFailures = 2
            $0.rateLimits.registrationsPerUser.limit = 1
        }) { server in
            let user = try await server.signup()
            for _ in 0..<2 {
                let wrong = try await server.request(.POST, Self.login, json: ["email": user.email, "password": "wrong-password"])
                #expect(wrong.status == 401)
            }
            let third = try await server.request(.POST, Self.login, json: ["email": user.email, "password": "password123"])
            #expect(third.status == 429 && third.code == "rate_limited" && third.json["token"] == nil)

            let organizer = try await server.signup(role: "organizer")
            let first = try await server.createCompetition(by: organizer), second = try await server.createCompetition(by: organizer)
            #expect(try await server.register(user, for: first).status == 201)
            let hoarding = try await server.register(user, for: second)
            #expect(hoarding.status == 429 && hoarding.code == "rate_limited")
            #expect(try await server.count("SELECT COUNT(*) AS n FROM registrations") == 1)
        }
    }

    // MARK: - Item 3: password hashing cannot starve the database

    /// One hashing thread and no queue: concurrent logins beyond it are refused at once with
    /// 503 and `Retry-After` (not queued), are not counted as guesses, and write nothing.
    @Test(arguments: Backend.all)
    func saturatedHashingAnswers503AtOnce(backend: Backend) async throws {
        try await withServer(backend, configure: {
            $0.bcryptThreads = 1
            $0.bcryptQueue = 0
            $0.bcryptCost = 11
            $0.loginMaxFailures = 1
        }) { server in
            let answers = try await withThrowingTaskGroup(of: (Int, APIResponse).self) { group in
                for index in 0..<6 {
                    group.addTask {
                        (index, try await server.request(.POST, Self.login, json: ["email": "someone\(index)@example.com", "password": "password123"]))
                    }
                }
                group.addTask {
                    (6, try await server.request(.POST, Self.signup, json: ["name": "N", "email": "new@example.com", "password": "password123"]))
                }
                return try await group.reduce(into: [Int: APIResponse]()) { $0[$1.0] = $1.1 }
            }
            let statuses = answers.values.map(\.status)
            #expect(statuses.contains(503), "\(statuses)")
            #expect(statuses.allSatisfy { [401, 503, 201].contains($0) }, "\(statuses)")
            for busy in answers.values where busy.status == 503 {
                #expect(busy.code == "temporarily_unavailable" && busy.isProblem && busy.headers.first(name: "Retry-After") == "1")
            }
            let created = answers[6]?.status == 201 ? 1 : 0
            #expect(try await server.count("SELECT COUNT(*) AS n FROM users") == created)
            // A refused login was not a guess: its budget of one failure is still there.
            if let refused = (0..<6).first(where: { answers[$0]?.status == 503 }) {
                let again = try await server.request(.POST, Self.login, json: ["email": "someone\(refused)@example.com", "password": "x"])
                #expect(again.status == 401, "the 503 was taken back from the budget")
            }
        }
    }

    /// Hashing queued deep on its own thread does not hold up SQLite, whose statements run on
    /// the application's thread pool. A dozen slow hashes (cost 13) are queued, then a database
    /// read is sent: on its own pool the read overtakes the queue; on the shared pool it would
    /// wait behind every hash queued before it. Judged by order (how many logins finished before
    /// the read), not by the clock, so a loaded machine does not make it flaky.
    @Test func hashingBacklogDoesNotDelayDatabaseReads() async throws {
        try await withServer(.sqlite, configure: {
            $0.bcryptThreads = 1
            $0.bcryptQueue = 100
            $0.bcryptCost = 13
        }) { server in
            let user = try await server.signup()
            let logins = Task {
                try await withThrowingTaskGroup(of: (Int, ContinuousClock.Instant).self) { group in
                    for index in 0..<12 {
                        group.addTask {
                            let status = try await server.request(.POST, Self.login, json: ["email": "x\(index)@example.com", "password": "password123"]).status
                            return (status, ContinuousClock.now)
                        }
                    }
                    return try await group.reduce(into: [(Int, ContinuousClock.Instant)]()) { $0.append($1) }
                }
            }
            try await Task.sleep(for: .milliseconds(500))
            let started = ContinuousClock.now
            let read = try await server.request(.GET, "/api/users/me/registrations", token: user.token)
            let readDone = ContinuousClock.now
            let finished = try await logins.value
            #expect(read.status == 200)
            let before = finished.filter { $0.1 < readDone }.count
            #expect(before <= 4, "the read (\(readDone - started)) waited for \(before) of 12 password checks")
            #expect(finished.allSatisfy { $0.0 == 401 }, "\(finished.map(\.0))")
        }
    }

    // MARK: - Item 4: email length

    @Test(arguments: Backend.all)
    func emailsLongerThan254AreRefused(backend: Backend) async throws {
        try await withServer(backend) { server in
            // A 64-character local part and a domain of dotted labels: 254 characters, one more is too many.
            let domain = String(repeating: "d", count: 63) + "." + String(repeating: "e", count: 63) + "." + String(repeating: "f", count: 57) + ".com"
            let fits = String(repeating: "a", count: 64) + "@" + domain
            let long = String(repeating: "a", count: 64) + "@x" + domain
            #expect(fits.utf8.count == 254 && long.utf8.count == 255)
            for path in [Self.login, Self.signup] {
                let response = try await server.request(.POST, path, json: ["name": "Long", "email": long, "password": "password123"])
                #expect(response.status == 400 && response.code == "validation_failed", "\(path): \(response.status)")
                let fields = (response.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                #expect(fields == ["email"], "\(path): \(fields)")
            }
            #expect(try await server.count("SELECT COUNT(*) AS n FROM users") == 0)
            let created = try await server.request(.POST, Self.signup, json: ["name": "Fits", "email": fits, "password": "password123"])
            #expect(created.status == 201)
        }
    }

    // MARK: - Item 5: control and format characters

    @Test(arguments: Backend.all)
    func formatCharactersAreRefusedInNamesEmailsPasswordsAndTitles(backend: Backend) async throws {
        try await withServer(backend) { server in
            let refused: [(String, [String: Any])] = [
                ("name", ["name": "Admin\u{202E}nimda", "email": "a1@example.com", "password": "password123"]),
                // (Trailing ones are trimmed away like spaces; inside a name they stay and are refused.)
                ("name", ["name": "E\u{200B}ve", "email": "a2@example.com", "password": "password123"]),
                ("email", ["name": "Eve", "email": "e\u{200B}ve@example.com", "password": "password123"]),
                ("email", ["name": "Eve", "email": "eve\u{0}@example.com", "password": "password123"]),
                ("password", ["name": "Eve", "email": "a3@example.com", "password": "password123\u{0}x"]),
                ("password", ["name": "Eve", "email": "a4@example.com", "password": "password\u{2066}123"]),
            ]
            for (field, body) in refused {
                let response = try await server.request(.POST, Self.signup, json: body)
                let fields = (response.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                #expect(response.status == 400 && fields == [field], "\(field): \(response.status) \(fields)")
            }
            #expect(try await server.count("SELECT COUNT(*) AS n FROM users") == 0)

            let joined = try await server.request(.POST, Self.signup, json: [
                "name": "👩‍💻 Zoë", "email": "zoe@example.com", "password": "password123", "role": "organizer",
            ])
            #expect(joined.status == 201, "joiners (emoji sequences, Persian) stay allowed")
            let organizer = TestUser(id: "", email: "zoe@example.com", token: joined.json["token"] as? String ?? "")
            let future = iso(Date().addingTimeInterval(86400))
            for (field, body) in [
                ("title", ["title": "Cup \u{202E}3202", "capacity": 5, "regDeadline": future] as [String: Any]),
                ("title", ["title": "Cup\u{2069}", "capacity": 5, "regDeadline": future]),
                ("description", ["title": "Cup", "description": "line\n\u{202D}bidi", "capacity": 5, "regDeadline": future]),
            ] {
                let response = try await server.request(.POST, "/api/competitions", token: organizer.token, json: body)
                let fields = (response.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                #expect(response.status == 400 && fields == [field], "\(field): \(response.status) \(fields)")
            }
            #expect(try await server.count("SELECT COUNT(*) AS n FROM competitions") == 0)
            _ = try await server.createCompetition(by: organizer, description: "Line one\nline two\ttabbed\r\n")
        }
    }

    /// Bcrypt stops at a NUL and after 72 bytes: a password that matches only up to there must
    /// not log in. Such a login is an ordinary failure (uniform 401, counted), and an email
    /// holding a NUL never reaches the database (PostgreSQL would refuse it with a 500).
    @Test(arguments: Backend.all)
    func passwordsThatBcryptWouldTruncateDoNotLogIn(backend: Backend) async throws {
        try await withServer(backend, configure: { $0.loginMaxFailures = 2 }) { server in
            let long = String(repeating: "p", count: 72)
            let created = try await server.request(.POST, Self.signup, json: ["name": "Max", "email": "max@example.com", "password": long])
            #expect(created.status == 201)
            let unknown = try await server.request(.POST, Self.login, json: ["email": "nobody@example.com", "password": "password123"])
            for (email, password) in [("max@example.com", long + "\u{0}x"), ("max@example.com", long + "extra"), ("max\u{0}@example.com", long)] {
                let response = try await server.request(.POST, Self.login, json: ["email": email, "password": password])
                #expect(response.status == 401 && response.code == "invalid_credentials" && response.json["token"] == nil)
                #expect(response.body == unknown.body, "the same answer as any failed login")
            }
            let right = try await server.request(.POST, Self.login, json: ["email": "max@example.com", "password": long])
            #expect(right.status == 429, "the truncated attempts were counted")
            #expect(try await server.count("SELECT COUNT(*) AS n FROM users") == 1)
        }
    }

    // MARK: - Item 8: seat hoarding

    /// One participant registering for competition after competition: past the per-user budget
    /// they get 429 and nothing is written. A replayed idempotent request does no work and is
    /// not counted; a refused keyed request stores nothing, so its key works after the wait.
    @Test(arguments: Backend.all)
    func registrationsPerUserAreCapped(backend: Backend) async throws {
        try await withServer(backend, configure: { $0.rateLimits.registrationsPerUser.limit = 2 }) { server in
            server.clock.freeze()
            let organizer = try await server.signup(role: "organizer")
            var competitions: [String] = []
            for _ in 0..<3 { competitions.append(try await server.createCompetition(by: organizer)) }
            let user = try await server.signup()
            #expect(try await server.register(user, for: competitions[0], key: "k0").status == 201)
            for _ in 0..<3 {
                let replay = try await server.register(user, for: competitions[0], key: "k0")
                #expect(replay.status == 201 && replay.headers.first(name: "Idempotent-Replayed") == "true")
            }
            #expect(try await server.register(user, for: competitions[1]).status == 201)
            let hoarding = try await server.register(user, for: competitions[2], key: "k2")
            #expect(hoarding.status == 429 && hoarding.code == "rate_limited" && hoarding.isProblem)
            let retryAfter = try #require(hoarding.headers.first(name: "Retry-After").flatMap(Int.init))
            #expect(retryAfter > 0 && retryAfter <= 60)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM registrations") == 2)
            #expect(try await server.outboxCount(topic: "registration:confirmation") == 2)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM idempotency_keys WHERE key = 'k2'") == 0)

            // Another participant has their own budget.
            let other = try await server.signup()
            #expect(try await server.register(other, for: competitions[2]).status == 201)

            // Once the window has passed the same key goes through (in-process clock; Redis
            // keeps real time, so that variant stops here).
            guard !backend.usesRedis else { return }
            server.clock.advance(by: 61)
            #expect(try await server.register(user, for: competitions[2], key: "k2").status == 201)
        }
    }

    /// A replay needs no budget: with the user's registrations per minute spent, a retried
    /// request still gets its stored answer (the key is read once the budget refuses), and a
    /// new key is still refused.
    @Test(arguments: Backend.all)
    func aSpentBudgetStillReplays(backend: Backend) async throws {
        try await withServer(backend, configure: { $0.rateLimits.registrationsPerUser.limit = 1 }) { server in
            server.clock.freeze()
            let organizer = try await server.signup(role: "organizer")
            let first = try await server.createCompetition(by: organizer)
            let second = try await server.createCompetition(by: organizer)
            let user = try await server.signup()
            let original = try await server.register(user, for: first, key: "k0")
            #expect(original.status == 201)
            #expect(try await server.register(user, for: second, key: "k1").status == 429)
            for _ in 0..<2 {
                let replay = try await server.register(user, for: first, key: "k0")
                #expect(replay.status == 201 && replay.headers.first(name: "Idempotent-Replayed") == "true")
                #expect(replay.body == original.body)
            }
            let reused = try await server.register(user, for: second, key: "k0")
            #expect(reused.status == 422 && reused.code == "idempotency_key_reused")
            #expect(try await server.count("SELECT COUNT(*) AS n FROM registrations") == 1)
        }
    }

    /// Two instances on one database and one Redis share each user's budget.
    @Test func theRegistrationCapIsSharedAcrossInstances() async throws {
        guard Backend.all.contains(.postgresRedis) else { return }
        try await withServer(.postgresRedis, configure: { $0.rateLimits.registrationsPerUser.limit = 2 }) { first in
            try await withServer(.postgresRedis, configure: {
                $0.rateLimits.registrationsPerUser.limit = 2
                $0.databaseURL = first.system.config.databaseURL
                $0.redisNamespace = first.system.config.redisNamespace
            }) { second in
                let organizer = try await first.signup(role: "organizer")
                var competitions: [String] = []
                for _ in 0..<3 { competitions.append(try await first.createCompetition(by: organizer)) }
                let user = try await first.signup()
                #expect(try await first.register(user, for: competitions[0]).status == 201)
                #expect(try await second.register(user, for: competitions[1]).status == 201)
                let third = try await first.register(user, for: competitions[2])
                #expect(third.status == 429 && third.code == "rate_limited")
                #expect(try await first.count("SELECT COUNT(*) AS n FROM registrations") == 2)
            }
        }
    }
}
