@testable import CompeteApp
import CompeteSMTP
import Foundation
import Testing

/// `MAIL_TRANSPORT` and its companions: the mailbox alone by default, SMTP only when it is fully
/// described, and a clear refusal otherwise (never a silent fall-back to the mailbox).
@Suite struct MailConfigTests {
    @Test func theMailboxIsTheDefault() throws {
        let mail = try AppConfig.fromEnvironment([:]).mail
        #expect(mail.transport == .mailbox && mail.smtp == nil && mail.sender == nil && mail.templatesDirectory == nil)
    }

    @Test func smtpReadsEverySetting() throws {
        let mail = try AppConfig.fromEnvironment([
            "MAIL_TRANSPORT": "SMTP", "SMTP_URL": "smtps://mailer:p%40ss@smtp.example.org", "MAIL_FROM": "Mini Compete <no-reply@example.org>",
            "MAIL_DOMAIN": "mail.example.org", "SMTP_TLS_CA_FILE": "/etc/ca.pem", "SMTP_TIMEOUT_SECONDS": "7", "SMTP_IDLE_SECONDS": "9",
            "MAIL_TEMPLATES_DIR": "/srv/templates",
        ]).mail
        let smtp = try #require(mail.smtp)
        #expect(mail.transport == .smtp && smtp.security == .implicitTLS && smtp.port == 465 && smtp.host == "smtp.example.org")
        #expect(smtp.username == "mailer" && smtp.password == "p@ss" && smtp.heloName == "mail.example.org")
        #expect(smtp.trustedCertificatesFile == "/etc/ca.pem" && smtp.commandTimeout == .seconds(7) && smtp.idleTimeout == .seconds(9))
        #expect(mail.sender == (try MailSender(from: "Mini Compete <no-reply@example.org>", domain: "mail.example.org")))
        #expect(mail.templatesDirectory == "/srv/templates")
    }

    @Test func anIncompleteOrInvalidSettingIsRefused() throws {
        let good = ["MAIL_TRANSPORT": "smtp", "SMTP_URL": "smtp://127.0.0.1:25?tls=none", "MAIL_FROM": "a@b.test"]
        #expect(try AppConfig.fromEnvironment(good).mail.smtp?.security == SMTPConfiguration.Security.none)
        for (key, value) in [("MAIL_TRANSPORT", "carrier-pigeon"), ("SMTP_URL", ""), ("SMTP_URL", "http://x"), ("MAIL_FROM", ""),
                             ("MAIL_FROM", "nobody"), ("MAIL_DOMAIN", "bad domain"), ("SMTP_TIMEOUT_SECONDS", "0")] {
            var env = good
            env[key] = value
            #expect(throws: AppConfig.Invalid.self, "\(key)=\(value)") { try AppConfig.fromEnvironment(env) }
        }
        // The password never shows in the refusal.
        do {
            _ = try AppConfig.fromEnvironment(good.merging(["SMTP_URL": "ftp://u:hunter2@x"]) { $1 })
        } catch {
            #expect(!"\(error)".contains("hunter2"))
        }
    }

    @Test func theTemplatesDirectoryMustHoldTemplates() async throws {
        await #expect(throws: (any Error).self) {
            try await withServer(.sqlite, configure: { $0.mail.templatesDirectory = "/nonexistent-templates" }) { _ in }
        }
    }
}
