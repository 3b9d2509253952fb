import Foundation
import SQLKit
import Testing

/// The organizer's webhooks page: CSRF, validation re-rendered with the values kept, the secret
/// shown once, and nobody else's subscriptions.
@Suite struct WebhookPageTests {
    @Test(arguments: Backend.all)
    func organizerManagesWebhooksOthersCannot(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let web = WebClient(base: server.webURL)
            web.setCookie("mc_session", organizer.token)
            let page = try await web.get("/organizer/webhooks")
            #expect(page.status == 200 && page.text.contains("Add a webhook") && page.text.contains("You have no webhooks yet"))
            #expect(try await web.get("/organizer").text.contains("href=\"/organizer/webhooks\""), "linked from the dashboard")

            let forged = try await web.post("/organizer/webhooks", ["url": "http://127.0.0.1:9/h", "events[]": "*"], csrf: "forged")
            #expect(forged.status == 403)
            let bad = try await web.post("/organizer/webhooks", ["url": "ftp://files.example/x", "events[]": "*"])
            #expect(bad.status == 400 && bad.text.contains("must be an http:// or https:// URL") && bad.text.contains("ftp://files.example/x"))
            let none = try await web.post("/organizer/webhooks", ["url": "http://127.0.0.1:9/h"])
            #expect(none.status == 400 && none.text.contains("must list at least one event type"))
            #expect(try await server.count("SELECT COUNT(*) AS n FROM webhook_subscriptions") == 0)

            let created = try await web.post("/organizer/webhooks", ["url": "http://127.0.0.1:9/h", "events[]": "registration.confirmed"])
            #expect(created.status == 200 && created.text.contains("whsec_") && created.text.contains("only this once"))
            let id = try #require(try await server.sql.raw("SELECT id FROM webhook_subscriptions").first()?.decode(column: "id", as: UUID.self))
                .uuidString.lowercased()
            let listed = try await web.get("/organizer/webhooks")
            #expect(!listed.text.contains("whsec_") && listed.text.contains("registration.confirmed"), "the secret is not shown again")
            #expect(try await web.get("/organizer/webhooks/\(id)").text.contains("Nothing has been sent to this webhook yet"))

            let rival = WebClient(base: server.webURL)
            rival.setCookie("mc_session", try await server.signup(role: "organizer").token)
            #expect(try await rival.get("/organizer/webhooks/\(id)").status == 404)
            _ = try await rival.get("/organizer/webhooks")
            #expect(try await rival.post("/organizer/webhooks/\(id)/delete").status == 404)
            #expect(try await rival.post("/organizer/webhooks/\(id)/deliveries/\(UUID().uuidString)/redeliver").status == 404)
            let participant = WebClient(base: server.webURL)
            participant.setCookie("mc_session", try await server.signup().token)
            #expect(try await participant.get("/organizer/webhooks").status == 403)
            #expect(try await participant.get("/organizer/webhooks/\(id)").status == 404)

            let deleted = try await web.post("/organizer/webhooks/\(id)/delete")
            #expect(deleted.status == 303 && deleted.headers.first(name: "Location") == "/organizer/webhooks")
            #expect(try await server.count("SELECT COUNT(*) AS n FROM webhook_subscriptions") == 0)
        }
    }
}
