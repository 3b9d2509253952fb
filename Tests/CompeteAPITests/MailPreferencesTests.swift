import CompeteCore
import CompeteJobs
import Foundation
import Testing

/// Reminders on and off: signed in through the API, and through the email's one-click link.
@Suite(.serialized) struct MailPreferencesTests {
    @Test(arguments: Backend.all)
    func remindersTurnOffByLinkAndOnFromTheAccount(backend: Backend) async throws {
        try await withServer(backend) { server in
            let user = try await server.signup()
            let other = try await server.signup()
            #expect(try await server.request(.GET, "/api/users/me/preferences", token: user.token).json["reminders"] as? Bool == true)
            #expect(try await server.request(.GET, "/api/users/me/preferences").status == 401)

            let userId = try #require(UUID(uuidString: user.id))
            let link = try #require(server.system.messageLinks.unsubscribeURL(for: userId))
            #expect(link.hasPrefix(server.system.messageLinks.webBase + "/unsubscribe?token="), "the web page, whose POST is the one-click target")
            let token = try #require(URLComponents(string: link)?.queryItems?.first { $0.name == "token" }?.value)
            #expect(token.count >= 40, "128-bit id + 128-bit tag")
            let path = "/api/mail/unsubscribe?token=\(token)"

            // The one-click POST needs no login; twice is fine.
            for _ in 0..<2 {
                let clicked = try await server.request(.POST, path, raw: Array("List-Unsubscribe=One-Click".utf8),
                                                       headers: [("Content-Type", "application/x-www-form-urlencoded")])
                #expect(clicked.status == 200 && clicked.json["reminders"] as? Bool == false)
            }
            #expect(try await server.request(.GET, "/api/users/me/preferences", token: user.token).json["reminders"] as? Bool == false)
            #expect(try await server.request(.GET, "/api/users/me/preferences", token: other.token).json["reminders"] as? Bool == true)

            // Forged, truncated, missing and someone else's id with this tag: refused, nothing changes.
            var flipped = Array(token)
            flipped[3] = flipped[3] == "A" ? "B" : "A"
            for bad in ["/api/mail/unsubscribe?token=\(String(flipped))", "/api/mail/unsubscribe?token=\(token.dropLast(2))",
                        "/api/mail/unsubscribe", "/api/mail/unsubscribe?token=%00%0d%0a", "/api/mail/unsubscribe?token=\(String(repeating: "A", count: 5000))"] {
                let refused = try await server.request(.POST, bad)
                #expect(refused.status == 400 && refused.code == "validation_failed", "\(bad)")
            }
            #expect(try await server.request(.GET, "/api/users/me/preferences", token: other.token).json["reminders"] as? Bool == true)

            // Back on from the account; bad bodies are 400 and change nothing.
            for body: [String: Any] in [[:], ["reminders": "yes"], ["reminders": NSNull()]] {
                #expect(try await server.request(.PATCH, "/api/users/me/preferences", token: user.token, json: body).status == 400)
            }
            let on = try await server.request(.PATCH, "/api/users/me/preferences", token: user.token, json: ["reminders": true])
            #expect(on.status == 200 && on.json["reminders"] as? Bool == true)
            #expect(try await server.request(.PATCH, "/api/users/me/preferences", json: ["reminders": true]).status == 401)
        }
    }

    @Test(arguments: Backend.all)
    func anOptedOutParticipantGetsNoReminderButKeepsConfirmations(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let quiet = try await server.signup()
            let keen = try await server.signup()
            let id = try await server.createCompetition(by: organizer, title: "Soon Cup", deadlineIn: 3600, startIn: 5 * 3600)
            for user in [quiet, keen] { #expect(try await server.register(user, for: id).status == 201) }
            _ = try await server.request(.PATCH, "/api/users/me/preferences", token: quiet.token, json: ["reminders": false])
            #expect(try await server.system.scheduler.tick() == 2)
            try await server.drain([server.system.makeWorker()])

            let kinds = { (user: TestUser) in try await server.request(.GET, "/api/users/me/mailbox", token: user.token).items.compactMap { $0["kind"] as? String } }
            #expect(try await kinds(quiet) == ["confirmation"])
            #expect(try await Set(kinds(keen)) == ["confirmation", "reminder"])
            let mailbox = try await server.request(.GET, "/api/users/me/mailbox", token: keen.token).items
            #expect(mailbox.allSatisfy { $0["delivery"] as? String == "recorded" }, "no SMTP here: recorded only")
            let reminder = try #require(mailbox.first { $0["kind"] as? String == "reminder" })
            #expect((reminder["body"] as? String)?.contains("/unsubscribe?token=") == true)
            let registrants = try await server.request(.GET, "/api/competitions/\(id)/registrations", token: organizer.token).items
            #expect(registrants.count == 2 && registrants.allSatisfy { $0["deliveryFailed"] as? Bool == false })
        }
    }
}
