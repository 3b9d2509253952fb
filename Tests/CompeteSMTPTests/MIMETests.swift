@testable import CompeteSMTP
import Foundation
import Testing

@Suite struct MIMETests {
    @Test func repliesSpanningLines() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed("250-first") == nil)
        #expect(try parser.feed("250-AUTH PLAIN") == nil)
        #expect(try parser.feed("250 last") == SMTPReply(code: 250, lines: ["first", "AUTH PLAIN", "last"]))
        #expect(try parser.feed("354") == SMTPReply(code: 354, lines: [""]))
        #expect(throws: SMTPError.self) { try parser.feed("hello") }
        var mixed = SMTPReplyParser()
        _ = try mixed.feed("250-a")
        #expect(throws: SMTPError.self) { try mixed.feed("251 b") }
    }

    @Test func headerValuesCannotAddHeaders() {
        let message = MIMEMessage(
            from: ("Evil\r\nBcc: x@y", "a@b.test"), to: (nil, "c@d.test"), subject: "Hi\r\nX-Injected: yes\n\rmore",
            date: Date(timeIntervalSince1970: 0), messageID: "id\r\nX-Other: 1@d", text: "t", html: "<p>h</p>"
        ).rendered(boundary: "B")
        let head = message.components(separatedBy: "\r\n\r\n")[0]
        let names = head.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") }.map { $0.components(separatedBy: ":")[0] }
        #expect(names == ["Date", "From", "To", "Subject", "Message-ID", "Auto-Submitted", "MIME-Version", "Content-Type"])
        #expect(head.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
    }

    @Test func nonASCIITextIsEncodedAndFolded() {
        let subject = MIMEEncoding.unstructured(String(repeating: "Zürich ✓ ", count: 12))
        #expect(subject.hasPrefix("=?UTF-8?B?"))
        for line in subject.components(separatedBy: "\r\n") { #expect(line.count <= 76) }
        #expect(MIMEEncoding.unstructured("Plain ASCII") == "Plain ASCII")
        #expect(MIMEEncoding.unstructured("looks =?like?= a word").hasPrefix("=?UTF-8?B?"))
        #expect(MIMEEncoding.mailbox(name: "Ann, the \"Boss\"", address: "a@b.test") == "\"Ann, the \\\"Boss\\\"\" <a@b.test>")
        #expect(MIMEEncoding.mailbox(name: "Zoë", address: "z@b.test") == "=?UTF-8?B?Wm/Dqw==?= <z@b.test>")
    }

    @Test func quotedPrintableKeepsLinesShortAndBytesSeven() {
        let encoded = MIMEEncoding.quotedPrintable(String(repeating: "é", count: 60) + " \nnext= line ")
        for line in encoded.components(separatedBy: "\r\n") { #expect(line.count <= 76) }
        #expect(encoded.utf8.allSatisfy { $0 < 128 })
        #expect(encoded.hasSuffix("next=3D line=20"))
    }

    @Test func urlsAndSenders() throws {
        let submission = try SMTPConfiguration(url: "smtp://us%40er:p%3Ass@mail.test:2525?tls=required", heloName: "h")
        #expect(submission.security == .startTLSRequired && submission.port == 2525)
        #expect(submission.username == "us@er" && submission.password == "p:ss")
        #expect(!submission.description.contains("p:ss"))
        #expect(try SMTPConfiguration(url: "smtps://mail.test", heloName: "h").port == 465)
        #expect(try SMTPConfiguration(url: "smtp://relay:25?tls=none", heloName: "h").security == SMTPConfiguration.Security.none)
        #expect(throws: SMTPConfiguration.Invalid.self) { try SMTPConfiguration(url: "http://mail.test", heloName: "h") }
        #expect(throws: SMTPConfiguration.Invalid.self) { try SMTPConfiguration(url: "smtp://mail.test?tls=maybe", heloName: "h") }

        let sender = try MailSender(from: "\"Mini Compete\" <no-reply@example.org>")
        #expect(sender.name == "Mini Compete" && sender.address == "no-reply@example.org" && sender.domain == "example.org")
        #expect(try MailSender(from: "a@b.test", domain: "mail.b.test").domain == "mail.b.test")
        #expect(throws: MailSender.Invalid.self) { try MailSender(from: "not an address") }
        #expect(throws: MailSender.Invalid.self) { try MailSender(from: "a@b.test\r\nBcc: x@y") }
    }
}
