import CompeteCore
@testable import CompeteJobs
import Foundation
import Testing

/// Every message renders from its template pair with the values it is given: nothing left
/// unfilled, HTML escaped in the HTML part only, the wording the mailbox has always shown.
@Suite struct MailTemplatesTests {
    let context = RegistrationMailContext(
        registrationId: UUID(), status: .confirmed, userId: UUID(), userName: "Zoë <b>& Co</b>", email: "z@example.com",
        competitionId: UUID(), competitionTitle: "Café \"Cup\" <script>", competitionDescription: "Bring; a, pencil",
        organizerName: "Olga", startDate: Date(timeIntervalSince1970: 1_796_000_000), updatedAt: Date(timeIntervalSince1970: 1_795_000_000),
        declineReason: "Over the <i>age</i> limit."
    )

    func messages() throws -> Messages {
        Messages(templates: try MailTemplates.load(),
                 links: MessageLinks(apiBase: "https://api.test/", webBase: "https://web.test", unsubscribeToken: { _ in "TOKEN" }))
    }

    @Test func everyKindRendersCompletely() throws {
        let messages = try messages()
        let rendered = [
            try messages.confirmation(context), try messages.promotion(context), try messages.cancellation(context),
            try messages.reminder(context, lastHour: false), try messages.reminder(context, lastHour: true),
            try messages.pending(context), try messages.waitlisted(context), try messages.declined(context),
        ]
        #expect(Set(try MailTemplates.load().names) == [
            "confirmation", "promotion", "cancellation", "reminder", "reminder-last-hour", "pending", "waitlisted", "declined",
        ],
                "a template without a message (or the reverse) is dead wording")
        for message in rendered {
            for part in [message.subject, message.body, message.html ?? ""] {
                #expect(!part.contains("{{") && !part.contains("}}"), "\(message.kind): \(part)")
            }
            #expect(message.body.contains("Zoë <b>& Co</b>") && message.body.contains("Café \"Cup\" <script>"))
            let html = try #require(message.html)
            #expect(html.contains("Zoë &lt;b&gt;&amp; Co&lt;/b&gt;") && html.contains("Café &quot;Cup&quot; &lt;script&gt;"))
            #expect(!html.contains("<script>"))
            #expect(message.toName == context.userName && message.registrationId == context.registrationId)
        }
        #expect(rendered[0].calendar?.contains("SUMMARY:Café \"Cup\" <script>") == true)
        #expect(rendered[0].calendar?.contains("DESCRIPTION:Bring\\; a\\, pencil") == true)
        #expect(rendered.dropFirst().allSatisfy { $0.calendar == nil })
        #expect(rendered[3].unsubscribeURL == "https://web.test/unsubscribe?token=TOKEN")
        #expect(rendered[3].subject.hasPrefix("Starting soon: ") && rendered[4].subject.hasPrefix("Starting within the hour: "))
        #expect(rendered[0].subject == "You're registered: Café \"Cup\" <script>")
        #expect(rendered[0].body.hasPrefix("Hi Zoë <b>& Co</b>,\n\nyour seat for"))
        #expect(rendered[0].body.hasSuffix("Registration \(context.registrationId.uuidString.lowercased())"))
        #expect(rendered[7].body.hasSuffix("declined your registration.\n\nThe organizer's reason: Over the <i>age</i> limit."))
        #expect(rendered[7].html?.contains("reason: Over the &lt;i&gt;age&lt;/i&gt; limit.") == true)
        let withoutReason = try messages.declined(RegistrationMailContext(
            registrationId: UUID(), status: .declined, userId: UUID(), userName: "A", email: "a@example.com",
            competitionId: UUID(), competitionTitle: "T", startDate: Date(timeIntervalSince1970: 1_796_000_000)
        ))
        #expect(withoutReason.body.hasSuffix("declined your registration.") && !withoutReason.body.contains("reason"))
    }

    @Test func anEditedCopyIsReadAndMistakesAreReported() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "Subject: Hello {{name}}\n\nBody {{title}}\n".write(to: folder.appendingPathComponent("x.txt"), atomically: true, encoding: .utf8)
        try "<p>{{name}}</p>\n".write(to: folder.appendingPathComponent("x.html"), atomically: true, encoding: .utf8)
        let templates = try MailTemplates.load(from: folder)
        #expect(try templates.render("x", ["name": "A&B", "title": "T"]) == MailTemplates.Rendered(subject: "Hello A&B", text: "Body T", html: "<p>A&amp;B</p>"))
        #expect(throws: MailTemplates.Invalid.self) { try templates.render("x", ["name": "A"]) }
        #expect(throws: MailTemplates.Invalid.self) { try templates.render("y", [:]) }

        try "No subject line\n".write(to: folder.appendingPathComponent("z.txt"), atomically: true, encoding: .utf8)
        try "".write(to: folder.appendingPathComponent("z.html"), atomically: true, encoding: .utf8)
        #expect(throws: MailTemplates.Invalid.self) { try MailTemplates.load(from: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("z.html"))
        #expect(throws: MailTemplates.Invalid.self) { try MailTemplates.load(from: folder) }
    }
}
