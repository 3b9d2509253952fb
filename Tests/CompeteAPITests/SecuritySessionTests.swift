@testable import CompeteWeb
import Foundation
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
}
