import CompeteSMTP
import Foundation

/// How messages leave: always recorded in the mailbox; with `MAIL_TRANSPORT=smtp` also sent
/// through `SMTP_URL` from `MAIL_FROM`.
public struct MailSettings: Sendable {
    public enum Transport: String, Sendable {
        /// The mailbox only: nothing leaves the machine (the embedded default).
        case mailbox
        /// The mailbox, then SMTP.
        case smtp
    }

    public var transport: Transport = .mailbox
    public var smtp: SMTPConfiguration?
    public var sender: MailSender?
    /// An edited copy of the message templates, instead of the ones built in.
    public var templatesDirectory: String?

    public init() {}

    static func fromEnvironment(_ env: [String: String], reader: AppConfig.Reader) throws -> MailSettings {
        var settings = MailSettings()
        settings.templatesDirectory = env["MAIL_TEMPLATES_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        let raw = env["MAIL_TRANSPORT"]?.lowercased() ?? ""
        guard let transport = raw.isEmpty ? .mailbox : Transport(rawValue: raw) else {
            throw AppConfig.Invalid(description: "MAIL_TRANSPORT must be mailbox or smtp; got '\(raw)'")
        }
        settings.transport = transport
        guard transport == .smtp else { return settings }
        guard let url = env["SMTP_URL"], !url.isEmpty else {
            throw AppConfig.Invalid(description: "MAIL_TRANSPORT=smtp needs SMTP_URL (smtp://user:pass@host:587, smtps://host:465)")
        }
        guard let from = env["MAIL_FROM"], !from.isEmpty else {
            throw AppConfig.Invalid(description: "MAIL_TRANSPORT=smtp needs MAIL_FROM (\"Mini Compete <no-reply@example.org>\")")
        }
        do {
            let sender = try MailSender(from: from, domain: env["MAIL_DOMAIN"].flatMap { $0.isEmpty ? nil : $0 })
            var smtp = try SMTPConfiguration(url: url, heloName: sender.domain)
            smtp.trustedCertificatesFile = env["SMTP_TLS_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            smtp.commandTimeout = .seconds(try reader.int("SMTP_TIMEOUT_SECONDS", default: 30, in: 1...600))
            smtp.connectTimeout = smtp.commandTimeout
            smtp.idleTimeout = .seconds(try reader.int("SMTP_IDLE_SECONDS", default: 30, in: 1...3600))
            settings.sender = sender
            settings.smtp = smtp
        } catch let invalid as AppConfig.Invalid {
            throw invalid
        } catch {
            throw AppConfig.Invalid(description: "\(error)")
        }
        return settings
    }
}
