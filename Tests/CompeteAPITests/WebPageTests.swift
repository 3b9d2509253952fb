import Foundation
import Testing

/// The web UI through its own HTTP port: redirects, CSRF, sessions, and the same rules as the API.
@Suite struct WebPageTests {
    @Test(arguments: Backend.all)
    func visitorBrowsesAndIsSentToLogin(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, title: "Web <Cup> & Co", capacity: 5, tags: ["chess"])
            let web = WebClient(base: server.webURL)

            let index = try await web.get("/")
            #expect(index.status == 200 && index.contentType.hasPrefix("text/html"))
            #expect(index.text.contains("Web &lt;Cup&gt; &amp; Co"), "titles are HTML-escaped")
            #expect(index.text.contains("5 of 5 left"))
            #expect(index.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(index.headers.first(name: "Content-Security-Policy")?.contains("default-src 'self'") == true)
            #expect(try await web.get("/?tags=chess").text.contains("/competitions/\(id)"))
            #expect(try await web.get("/?tags=nomatch").text.contains("No competitions match"))
            #expect(try await web.get("/competitions/\(id)").text.contains("Log in to register"))

            let missing = try await web.get("/competitions/\(UUID().uuidString)")
            #expect(missing.status == 404 && missing.text.contains("Page not found"))
            #expect(try await web.get("/no/such/page").status == 404)

            let mine = try await web.get("/me/registrations")
            #expect(mine.status == 303)
            #expect(mine.headers.first(name: "Location") == "/login?next=%2Fme%2Fregistrations")
        }
    }

    @Test(arguments: Backend.all)
    func signupLoginCSRFAndSession(backend: Backend) async throws {
        try await withServer(backend) { server in
            let web = WebClient(base: server.webURL)
            _ = try await web.get("/signup")
            let forged = try await web.post("/signup", ["name": "Eve", "email": "eve@example.com", "password": "password123"], csrf: "forged")
            #expect(forged.status == 403)
            let missing = try await web.post("/signup", ["name": "Eve", "email": "eve@example.com", "password": "password123"], csrf: .some(nil))
            #expect(missing.status == 403)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM users") == 0)

            let invalid = try await web.post("/signup", ["name": "", "email": "nope", "password": "short", "role": "participant"])
            #expect(invalid.status == 400)
            #expect(invalid.text.contains("Email must be a valid email address") && invalid.text.contains("aria-invalid=\"true\""))

            let created = try await web.post("/signup", ["name": "Pat", "email": "pat@example.com", "password": "password123", "role": "participant"])
            #expect(created.status == 303 && created.headers.first(name: "Location") == "/")
            let cookie = try #require(created.headers["Set-Cookie"].first { $0.hasPrefix("mc_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            let home = try await web.get("/")
            #expect(home.text.contains("Welcome to Mini Compete, Pat!") && home.text.contains("My registrations"))
            #expect(home.headers.first(name: "Cache-Control") == "no-store", "logged-in pages are never cached")
            #expect(try await web.get("/").text.contains("Welcome") == false, "a flash shows once")

            _ = try await web.post("/logout")
            #expect(try await web.get("/me/mailbox").status == 303)
            _ = try await web.get("/login")
            let wrong = try await web.post("/login", ["email": "pat@example.com", "password": "wrong-password", "next": "/me/mailbox"])
            #expect(wrong.status == 401 && wrong.text.contains("The email or password is incorrect."))
            let back = try await web.post("/login", ["email": "pat@example.com", "password": "password123", "next": "/me/mailbox"])
            #expect(back.status == 303 && back.headers.first(name: "Location") == "/me/mailbox")
            _ = try await web.get("/login")
            let offsite = try await web.post("/login", ["email": "pat@example.com", "password": "password123", "next": "//evil.example"])
            #expect(offsite.headers.first(name: "Location") == "/", "never redirects off site")
        }
    }

    @Test(arguments: Backend.all)
    func registeringTwiceWithOneFormRegistersOnce(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, title: "Double Click Cup", capacity: 5)
            let web = WebClient(base: server.webURL)
            _ = try await web.get("/signup")
            _ = try await web.post("/signup", ["name": "Dee", "email": "dee@example.com", "password": "password123", "role": "participant"])

            _ = try await web.get("/competitions/\(id)")
            let key = try #require(web.hidden("idempotencyKey"))
            async let first = web.post("/competitions/\(id)/register", ["idempotencyKey": key])
            async let second = web.post("/competitions/\(id)/register", ["idempotencyKey": key])
            let answers = try await [first, second]
            #expect(answers.allSatisfy { $0.status == 303 && $0.headers.first(name: "Location") == "/competitions/\(id)" })
            // The back button and the same form again: still one registration.
            let again = try await web.post("/competitions/\(id)/register", ["idempotencyKey": key])
            #expect(again.status == 303)
            #expect(try await server.confirmedCount(id) == 1)

            let page = try await web.get("/competitions/\(id)")
            #expect(page.text.contains("registered for this competition"))
            let mine = try await web.get("/me/registrations")
            #expect(mine.text.contains("Double Click Cup") && mine.text.contains("confirmed"))

            try await server.drain([server.system.makeWorker()])
            let mailbox = try await web.get("/me/mailbox")
            #expect(mailbox.text.contains("You&#39;re registered: Double Click Cup") || mailbox.text.contains("You're registered: Double Click Cup"))

            _ = try await web.post("/competitions/\(id)/cancel", ["returnTo": "/me/registrations"])
            #expect(try await server.confirmedCount(id) == 0)
        }
    }

    @Test(arguments: Backend.all)
    func organizerPagesAreForOrganizers(backend: Backend) async throws {
        try await withServer(backend) { server in
            let web = WebClient(base: server.webURL)
            _ = try await web.get("/signup")
            _ = try await web.post("/signup", ["name": "Org", "email": "org@example.com", "password": "password123", "role": "organizer"])
            _ = try await web.get("/organizer/competitions/new")
            let key = try #require(web.hidden("idempotencyKey"))
            let invalid = try await web.post("/organizer/competitions", [
                "title": "", "capacity": "abc", "regDeadline": "2001-01-01T10:00", "idempotencyKey": key,
            ])
            #expect(invalid.status == 400 && invalid.text.contains("Capacity must be a whole number."))
            let fields = [
                "title": "Form Cup", "description": "From the form", "tags": "chess, Board", "capacity": "3",
                "regDeadline": "2099-01-01T10:00", "startDate": "2099-01-02T10:00", "idempotencyKey": key,
            ]
            let created = try await web.post("/organizer/competitions", fields)
            #expect(created.status == 303)
            let location = try #require(created.headers.first(name: "Location"))
            let replay = try await web.post("/organizer/competitions", fields)
            #expect(replay.headers.first(name: "Location") == location, "a resubmitted form creates nothing new")
            #expect(try await server.count("SELECT COUNT(*) AS n FROM competitions") == 1)
            let id = String(location.split(separator: "/").last ?? "")
            let shown = try await web.get(location)
            #expect(shown.text.contains("Form Cup") && shown.text.contains("Thu 1 Jan 2099, 10:00 UTC") && shown.text.contains("board"))

            let participant = try await server.signup()
            _ = try await server.register(participant, for: id)
            _ = try await web.get("/organizer/competitions/\(id)/edit")
            let below = try await web.post("/organizer/competitions/\(id)", [
                "title": "Form Cup", "description": "From the form", "tags": "chess, board", "capacity": "0",
                "regDeadline": "2099-01-01T10:00", "startDate": "2099-01-02T10:00",
            ])
            #expect(below.status == 400 && below.text.contains("Capacity"))
            let saved = try await web.post("/organizer/competitions/\(id)", [
                "title": "Form Cup II", "description": "From the form", "tags": "chess, board", "capacity": "4",
                "regDeadline": "2099-01-01T10:00", "startDate": "2099-01-02T10:00",
            ])
            #expect(saved.status == 303)
            #expect(try await server.competition(id)["title"] as? String == "Form Cup II")

            let registrants = try await web.get("/organizer/competitions/\(id)/registrants")
            #expect(registrants.status == 200 && registrants.text.contains(participant.email))
            let csv = try await web.get("/organizer/competitions/\(id)/registrants.csv")
            #expect(csv.contentType.hasPrefix("text/csv") && csv.text.contains(participant.email))

            let rival = WebClient(base: server.webURL)
            _ = try await rival.get("/signup")
            _ = try await rival.post("/signup", ["name": "Rival", "email": "rival@example.com", "password": "password123", "role": "organizer"])
            #expect(try await rival.get("/organizer/competitions/\(id)/registrants").status == 403)
            #expect(try await rival.get("/organizer/competitions/\(id)/edit").status == 403)

            let player = WebClient(base: server.webURL)
            _ = try await player.get("/signup")
            _ = try await player.post("/signup", ["name": "Player", "email": "player@example.com", "password": "password123", "role": "participant"])
            let forbidden = try await player.get("/organizer")
            #expect(forbidden.status == 403 && forbidden.text.contains("Not allowed"))
            #expect(try await player.get("/organizer/competitions/\(id)/registrants.csv").status == 403)
        }
    }
}
