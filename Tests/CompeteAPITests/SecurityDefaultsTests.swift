@testable import CompeteAPI
@testable import CompeteApp
import Foundation
import JWTKit
import Testing

/// Issue 14, item 7 over real HTTP: production defaults, security headers, the token algorithm
/// and the CSRF cookie (docs/security.md, "Safe defaults and headers").
@Suite struct SecurityDefaultsTests {
    @Test func demoDataOnlyWhereItBelongs() throws {
        #expect(try AppConfig.fromEnvironment([:]).seedDemoData, "embedded SQLite: `swift run` shows a working site")
        let postgres = ["DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db"]
        #expect(try !AppConfig.fromEnvironment(postgres).seedDemoData, "a real database is not seeded unasked")
        #expect(try AppConfig.fromEnvironment(postgres.merging(["SEED_DEMO_DATA": "true"]) { $1 }).seedDemoData)
        #expect(try !AppConfig.fromEnvironment(["APP_ENV": "production"]).seedDemoData)
    }

    /// `.env.example` is copied into deployments: with it and a `DATABASE_URL`, nothing is seeded.
    @Test func envExampleDoesNotTurnSeedingOn() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".env.example")
        var env: [String: String] = [:]
        for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            let pair = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            if pair.count == 2 { env[pair[0]] = pair[1] }
        }
        #expect(env.keys.contains("SEED_DEMO_DATA"), "the setting is documented there")
        env["DATABASE_URL"] = "postgres://u:p@127.0.0.1:5432/db"
        #expect(try !AppConfig.fromEnvironment(env).seedDemoData)
    }

    /// In production, seeding refuses the published demo password and writes nothing; with a
    /// `DEMO_PASSWORD` of its own it seeds, and the published password opens nothing.
    @Test(arguments: Backend.all)
    func productionRefusesTheDemoPassword(backend: Backend) async throws {
        try await withServer(backend, configure: { $0.appEnv = "production"; $0.seedDemoData = true }) { server in
            let system = server.system
            await #expect(throws: AppConfig.Invalid.self) { try await system.seedIfEmpty() }
            await #expect(throws: AppConfig.Invalid.self) { try await system.seed() }
            let users = try await server.count("SELECT COUNT(*) AS n FROM users")
            let competitions = try await server.count("SELECT COUNT(*) AS n FROM competitions")
            #expect(users == 0 && competitions == 0, "nothing written")
        }
        try await withServer(backend, configure: {
            $0.appEnv = "production"; $0.seedDemoData = true; $0.demoPassword = "a-password-of-our-own"
        }) { server in
            try await server.system.seedIfEmpty()
            let published = try await server.request(.POST, "/api/auth/login", json: ["email": "org1@compete.com", "password": "password123"])
            #expect(published.status == 401)
            let own = try await server.request(.POST, "/api/auth/login", json: ["email": "org1@compete.com", "password": "a-password-of-our-own"])
            #expect(own.status == 200)
        }
    }

    /// Every API answer (errors, preflight, metrics and docs included) says `nosniff`; every
    /// answer under `/api/auth/` says `no-store`.
    @Test(arguments: Backend.all)
    func securityHeadersOnEveryAnswer(backend: Backend) async throws {
        try await withServer(backend) { server in
            let signup = try await server.request(.POST, "/api/auth/signup", json: [
                "name": "Hedy", "email": "hedy@example.com", "password": "password123",
            ])
            let token = try #require(signup.json["token"] as? String)
            let auth: [(String, APIResponse)] = [
                ("signup 201", signup),
                ("signup 400", try await server.request(.POST, "/api/auth/signup", json: ["email": "nope"])),
                ("signup 409", try await server.request(.POST, "/api/auth/signup", json: [
                    "name": "Hedy", "email": "hedy@example.com", "password": "password123",
                ])),
                ("login 200", try await server.request(.POST, "/api/auth/login", json: ["email": "hedy@example.com", "password": "password123"])),
                ("login 401", try await server.request(.POST, "/api/auth/login", json: ["email": "hedy@example.com", "password": "wrong-password"])),
                ("me 200", try await server.request(.GET, "/api/auth/me", token: token)),
                ("me 401", try await server.request(.GET, "/api/auth/me")),
            ]
            for (name, response) in auth {
                #expect(response.headers.first(name: "Cache-Control") == "no-store", "\(name)")
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(name)")
            }
            let others: [(String, APIResponse)] = [
                ("list", try await server.request(.GET, "/api/competitions")),
                ("404", try await server.request(.GET, "/api/competitions/\(UUID())")),
                ("unknown route", try await server.request(.GET, "/api/nothing-here")),
                ("401", try await server.request(.GET, "/api/users/me/registrations")),
                ("413", try await server.request(.POST, "/api/auth/login", raw: Array(repeating: UInt8(ascii: " "), count: 70_000))),
                ("health", try await server.request(.GET, "/api/health")),
                ("metrics", try await server.request(.GET, "/metrics")),
                ("openapi", try await server.request(.GET, "/api/openapi.json")),
                ("docs", try await server.request(.GET, "/api/docs")),
                ("preflight", try await server.request(.OPTIONS, "/api/competitions", headers: [
                    ("Origin", server.system.services.corsOrigin), ("Access-Control-Request-Method", "POST"),
                ])),
            ]
            for (name, response) in others {
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(name) (\(response.status))")
            }
            #expect(others[0].1.headers.first(name: "Cache-Control") != "no-store", "public reads stay cacheable")
        }
    }

    /// Only HS256: a token whose header names another algorithm (or none) is refused even when
    /// its signature is a valid HS256 one over our secret — jwt-kit alone accepted it.
    @Test(arguments: Backend.all)
    func onlyHS256IsAccepted(backend: Backend) async throws {
        try await withServer(backend) { server in
            let user = try await server.signup()
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: TestServer.jwtSecret), digestAlgorithm: .sha256)
            let payload = TokenService.Payload(
                sub: SubjectClaim(value: user.id), role: "organizer", ver: 0,
                iat: IssuedAtClaim(value: Date()), exp: ExpirationClaim(value: Date().addingTimeInterval(3600))
            )
            let honest = try await keys.sign(payload)
            #expect(try await server.request(.GET, "/api/auth/me", token: honest).status == 200, "the control: HS256 passes")
            for alg in ["none", "HS512", "hs256", "RS256", "ES256"] {
                let token = try await keys.sign(payload, header: ["alg": .string(alg), "typ": "JWT"])
                let me = try await server.request(.GET, "/api/auth/me", token: token)
                #expect(me.status == 401 && me.code == "unauthorized" && !me.text.contains(user.email), "alg \(alg)")
                let created = try await server.request(.POST, "/api/competitions", token: token, json: [
                    "title": "Forged", "capacity": 1, "regDeadline": iso(Date().addingTimeInterval(3600)),
                ])
                #expect(created.status == 401, "alg \(alg)")
            }
            #expect(try await server.count("SELECT COUNT(*) AS n FROM competitions") == 0)
        }
    }

    /// Over HTTPS the CSRF cookie is `__Host-mc_csrf` (Secure, Path=/, no Domain), and the
    /// forms work with it; the unprefixed cookie is not honoured there.
    @Test(arguments: Backend.all)
    func csrfCookieIsHostPrefixedOverHTTPS(backend: Backend) async throws {
        try await withServer(backend, configure: { $0.publicWebURL = "https://compete.example" }) { server in
            let web = WebClient(base: server.webURL)
            let page = try await web.get("/signup")
            let cookie = try #require(page.headers["Set-Cookie"].first { $0.hasPrefix("__Host-mc_csrf=") })
            #expect(cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.lowercased().contains("domain="))
            #expect(!page.headers["Set-Cookie"].contains { $0.hasPrefix("mc_csrf=") })
            let created = try await web.post("/signup", ["name": "Sec", "email": "sec@example.com", "password": "password123", "role": "participant"])
            #expect(created.status == 303)

            let planted = WebClient(base: server.webURL)
            _ = try await planted.get("/signup")
            let nonce = try #require(planted.cookies["__Host-mc_csrf"])
            let token = try #require(planted.csrf)
            planted.setCookie("__Host-mc_csrf", nil)
            planted.setCookie("mc_csrf", nonce)
            let refused = try await planted.post("/signup", ["name": "P", "email": "p@example.com", "password": "password123"], csrf: token)
            #expect(refused.status == 403)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM users") == 1)
        }
        try await withServer(backend) { server in
            let page = try await WebClient(base: server.webURL).get("/signup")
            #expect(page.headers["Set-Cookie"].contains { $0.hasPrefix("mc_csrf=") }, "plain HTTP keeps the plain name")
        }
    }

    /// A form token minted for one session does not validate with another session cookie (the
    /// same browser's nonce): bound to the session, nothing is written.
    @Test(arguments: Backend.all)
    func csrfTokenIsBoundToTheSession(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, title: "CSRF Cup", capacity: 5)
            let alice = WebClient(base: server.webURL)
            _ = try await alice.get("/signup")
            _ = try await alice.post("/signup", ["name": "Alice", "email": "alice@example.com", "password": "password123", "role": "participant"])
            _ = try await alice.get("/competitions/\(id)")
            let aliceToken = try #require(alice.csrf)
            let key = try #require(alice.hidden("idempotencyKey"))

            let bob = WebClient(base: server.webURL)
            _ = try await bob.get("/signup")
            _ = try await bob.post("/signup", ["name": "Bob", "email": "bob@example.com", "password": "password123", "role": "participant"])
            // Alice's browser, her nonce and her page's token, but Bob's session.
            let bobSession: String = try #require(bob.cookies["mc_session"])
            alice.setCookie("mc_session", bobSession)
            let forged = try await alice.post("/competitions/\(id)/register", ["idempotencyKey": key], csrf: aliceToken)
            #expect(forged.status == 403)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM registrations") == 0)
            _ = try await alice.get("/competitions/\(id)")
            let fresh = try await alice.post("/competitions/\(id)/register", ["idempotencyKey": key])
            #expect(fresh.status == 303, "a page of the current session works")
            #expect(try await server.confirmedCount(id) == 1)
        }
    }
}
