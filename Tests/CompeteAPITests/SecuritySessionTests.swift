@testable import CompeteWeb
import Foundation
import JWTKit
import NIOCore
import Testing

/// Issue 14, items 1 and 6 over real HTTP: where a visitor may be sent after logging in, and
/// logging out ending the token everywhere (docs/security.md).
@Suite struct SecuritySessionTests {
    /// `next` values a browser (or a decoding proxy) would turn into another host, a script or a
    /// broken header.
    static let hostileNext = [
        "https://evil.example", "http:/evil.example", "//evil.example", "///evil.example", "/\\evil.example",
        "\\\\evil.example", "\\/evil.example", "/\tevil.example", "/\t/evil.example", "\t//evil.example",
        "/\n/evil.example", "/\r\n/evil.example", "/\nSet-Cookie: stolen=1", "/\r", "/ /evil.example",
        "/%2F%2Fevil.example", "/%2f/evil.example", "/%5Cevil.example", "/%5cevil.example", "/%252F%252Fevil.example",
        "/%0D%0ALocation:%20https://evil.example", "/%09/evil.example", "/%00", "/\u{7F}/evil.example",
        "/\u{00A0}/evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,evil", "evil.example",
        " /evil.example", "",
    ]

    @Test func localPathKeepsOrdinaryLinks() {
        for path in ["/", "/me/registrations", "/competitions/6f1c2a3b-1111-4222-8333-944455556666",
                     "/?search=caf%C3%A9+run&tags=a,b&page=2", "/organizer/competitions/new"] {
            #expect(LocalPath.safe(path) == path, "\(path)")
        }
        for value in Self.hostileNext {
            #expect(LocalPath.safe(value) == "/", "\(value.debugDescription)")
        }
    }

    /// GET /login?next=…, POST /login and POST /signup with each hostile value: the login form
    /// carries `/`, and the answer (within 5 s: a bare LF used to leave it unanswered) is a 303
    /// to `/`, with nothing of the value in any header or the page.
    @Test(arguments: Backend.all)
    func hostileNextNeverLeavesTheSite(backend: Backend) async throws {
        try await withServer(backend) { server in
            let user = try await server.signup()
            for value in Self.hostileNext {
                let web = WebClient(base: server.webURL)
                let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                do {
                    let form = try await web.get("/login?next=\(encoded)", timeout: .seconds(5))
                    #expect(form.status == 200 && web.hidden("next") == "/", "GET /login?next=\(value.debugDescription)")
                    #expect(!form.text.contains("evil"), "the page does not echo \(value.debugDescription)")

                    let login = try await web.post("/login", ["email": user.email, "password": "password123", "next": value],
                                                   timeout: .seconds(5))
                    #expect(login.status == 303 && login.headers.first(name: "Location") == "/",
                            "POST /login next=\(value.debugDescription): \(login.status) \(login.headers)")
                    #expect(!login.headers.contains { $0.value.contains("evil") || $0.name.lowercased() == "stolen" })
                } catch {
                    Issue.record("login with next=\(value.debugDescription) got no answer: \(error)")
                }

                let newcomer = WebClient(base: server.webURL)
                _ = try await newcomer.get("/signup")
                let email = "n\(UUID().uuidString.prefix(8).lowercased())@example.com"
                do {
                    let signup = try await newcomer.post("/signup", [
                        "name": "New", "email": email, "password": "password123", "role": "participant", "next": value,
                    ], timeout: .seconds(5))
                    #expect(signup.status == 303 && signup.headers.first(name: "Location") == "/", "signup next=\(value.debugDescription)")
                } catch {
                    Issue.record("signup with next=\(value.debugDescription) got no answer: \(error)")
                }
            }
        }
    }

    /// The redirect to the login page keeps a local path and nothing else, and the journey
    /// through it ends on this site.
    @Test(arguments: Backend.all)
    func redirectToLoginCarriesOnlyALocalPath(backend: Backend) async throws {
        try await withServer(backend) { server in
            let user = try await server.signup(role: "organizer")
            for path in ["/me/registrations", "/organizer/competitions/%2F%2Fevil.example/edit",
                         "/organizer/competitions/%5Cevil.example/edit", "/organizer/competitions/%0D%0ASet-Cookie:x=1/edit",
                         "/organizer/competitions/%09/edit", "/organizer/competitions/%252F%252Fevil.example/registrants"] {
                let web = WebClient(base: server.webURL)
                let redirect = try await web.get(path, timeout: .seconds(5))
                let location = try #require(redirect.headers.first(name: "Location"))
                #expect(redirect.status == 303 && location.hasPrefix("/login?next="), "\(path): \(location)")
                let next = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "next" }?.value)
                #expect(next == path || next == "/", "\(path) → next=\(next)")
                #expect(LocalPath.isLocal(next))

                _ = try await web.get(location, timeout: .seconds(5))
                let carried = try #require(web.hidden("next"))
                let login = try await web.post("/login", ["email": user.email, "password": "password123", "next": carried],
                                               timeout: .seconds(5))
                let target = try #require(login.headers.first(name: "Location"))
                #expect(login.status == 303 && LocalPath.isLocal(target), "\(path) → \(target)")
            }
        }
    }

    // MARK: - Item 6: logging out ends the token everywhere

    /// Logging out of the web UI ends the session cookie's token for the API too (a copy of the
    /// cookie is worthless), and the web refuses the old cookie; nothing is written with it.
    @Test(arguments: Backend.all)
    func webLogoutEndsTheTokenForTheAPI(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, title: "Logout Cup", capacity: 5)
            let web = WebClient(base: server.webURL)
            _ = try await web.get("/signup")
            _ = try await web.post("/signup", ["name": "Lou", "email": "lou@example.com", "password": "password123", "role": "participant"])
            let token = try #require(web.cookies["mc_session"])
            #expect(try await server.request(.GET, "/api/auth/me", token: token).status == 200)

            _ = try await web.get("/me/registrations")
            let out = try await web.post("/logout")
            #expect(out.status == 303 && out.headers.first(name: "Location") == "/")

            let me = try await server.request(.GET, "/api/auth/me", token: token)
            #expect(me.status == 401 && me.code == "unauthorized" && !me.text.contains("lou@example.com"))
            let register = try await server.request(.POST, "/api/competitions/\(id)/register", token: token)
            #expect(register.status == 401)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM registrations") == 0, "nothing written with the old token")

            web.setCookie("mc_session", token)
            let page = try await web.get("/me/registrations")
            #expect(page.status == 303 && page.headers.first(name: "Location")?.hasPrefix("/login") == true, "the copied cookie is refused")

            let again = try await server.request(.POST, "/api/auth/login", json: ["email": "lou@example.com", "password": "password123"])
            let fresh = try #require(again.json["token"] as? String)
            #expect(try await server.request(.GET, "/api/auth/me", token: fresh).status == 200, "logging in again works")
        }
    }

    /// `POST /api/auth/logout`: 204 with `Cache-Control: no-store`; the token (and every other
    /// token of the account) is then 401 everywhere, other accounts are untouched, and logging
    /// out needs a live token.
    @Test(arguments: Backend.all)
    func apiLogoutEndsEveryTokenOfTheAccount(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, title: "Logout API Cup", capacity: 5)
            let user = try await server.signup()
            let other = try await server.signup()
            let second = try #require(try await server.request(.POST, "/api/auth/login", json: [
                "email": user.email, "password": "password123",
            ]).json["token"] as? String)

            #expect(try await server.request(.POST, "/api/auth/logout").status == 401)
            let out = try await server.request(.POST, "/api/auth/logout", token: user.token)
            #expect(out.status == 204 && out.body.isEmpty)
            #expect(out.headers.first(name: "Cache-Control") == "no-store")

            for token in [user.token, second] {
                #expect(try await server.request(.GET, "/api/auth/me", token: token).status == 401)
                let register = try await server.register(user, for: id)
                #expect(register.status == 401 && register.code == "unauthorized")
                #expect(try await server.request(.POST, "/api/auth/logout", token: token).status == 401)
            }
            #expect(try await server.count("SELECT COUNT(*) AS n FROM registrations") == 0)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM outbox") == 0)
            #expect(try await server.register(other, for: id).status == 201, "another account is untouched")
            let relogin = try await server.request(.POST, "/api/auth/login", json: ["email": user.email, "password": "password123"])
            let fresh = try #require(relogin.json["token"] as? String)
            #expect(try await server.request(.GET, "/api/users/me/registrations", token: fresh).status == 200)
        }
    }

    /// Two instances on one database: a logout through one is honoured by the other within its
    /// refresh interval (here 0.5 s), without a database read per request. The bound leaves
    /// 2.5 s for scheduling on a busy machine; a refresh that never happens fails at 5 s.
    @Test(arguments: Backend.all)
    func logoutReachesAnotherInstance(backend: Backend) async throws {
        try await withServer(backend) { first in
            let user = try await first.signup()
            try await withServer(backend, configure: {
                $0.databaseURL = first.system.config.databaseURL
                $0.dataDir = first.system.config.dataDir
                $0.tokenRevocationRefresh = 0.5
            }) { second in
                #expect(try await second.request(.GET, "/api/auth/me", token: user.token).status == 200)
                #expect(try await first.request(.POST, "/api/auth/logout", token: user.token).status == 204)
                #expect(try await first.request(.GET, "/api/auth/me", token: user.token).status == 401, "at once where it happened")
                let loggedOut = ContinuousClock.now
                var status = 200
                while status == 200, ContinuousClock.now - loggedOut < .seconds(5) {
                    try await Task.sleep(for: .milliseconds(100))
                    status = try await second.request(.GET, "/api/auth/me", token: user.token).status
                }
                let took = ContinuousClock.now - loggedOut
                #expect(status == 401, "the other instance still accepts the token after \(took)")
                #expect(took < .milliseconds(3000), "honoured within the 0.5 s interval (plus scheduling): \(took)")
            }
        }
    }

    /// Tokens issued before logout could end them carry no `ver`: they count as generation 0,
    /// so the upgrade logs nobody out, and a logout ends them too.
    @Test(arguments: Backend.all)
    func tokensWithoutAGenerationWorkUntilLogout(backend: Backend) async throws {
        try await withServer(backend) { server in
            let user = try await server.signup()
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: TestServer.jwtSecret), digestAlgorithm: .sha256)
            let legacy = try await keys.sign(LegacyPayload(
                sub: SubjectClaim(value: user.id), role: "participant",
                iat: IssuedAtClaim(value: Date()), exp: ExpirationClaim(value: Date().addingTimeInterval(3600))
            ))
            #expect(try await server.request(.GET, "/api/auth/me", token: legacy).status == 200)
            #expect(try await server.request(.POST, "/api/auth/logout", token: user.token).status == 204)
            #expect(try await server.request(.GET, "/api/auth/me", token: legacy).status == 401)
        }
    }
}

/// The claims of a token issued before tokens carried a generation.
struct LegacyPayload: JWTPayload {
    var sub: SubjectClaim
    var role: String
    var iat: IssuedAtClaim
    var exp: ExpirationClaim

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
