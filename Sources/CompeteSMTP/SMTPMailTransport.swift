import CompeteCore
import CompeteJobs
import Foundation
import Logging

/// Records each message in the mailbox, then sends it by SMTP. The job's retries do the
/// rest: a 4xx reply or a network error is thrown (retry with backoff), a 5xx reply is a
/// ``PermanentJobFailure`` carrying the server's reply (dead-lettered at once). The Message-ID
/// is the job's id, so a retry after an unknown outcome carries the same one.
public struct SMTPMailTransport: MailTransport {
    let mailbox: any MailTransport
    let log: any DeliveryLog
    let mailer: SMTPMailer
    let sender: MailSender
    let logger: Logger

    public init(mailbox: any MailTransport, log: any DeliveryLog, mailer: SMTPMailer, sender: MailSender, logger: Logger) {
        self.mailbox = mailbox
        self.log = log
        self.mailer = mailer
        self.sender = sender
        self.logger = logger
    }

    public func deliver(_ message: MailMessage, jobId: UUID, now: Date) async throws {
        try await mailbox.deliver(message, jobId: jobId, now: now)
        let content = Self.mime(message, from: sender, messageID: Self.messageID(jobId, sender), date: now).rendered()
        do {
            try await mailer.send(from: sender.address, to: [message.to], content: content)
        } catch let error as SMTPError {
            if error.isPermanent {
                try? await log.record(jobId: jobId, delivery: .failed, error: error.description)
                throw PermanentJobFailure(error.description)
            }
            try? await log.record(jobId: jobId, delivery: .retrying, error: error.description)
            throw error
        }
        try await log.record(jobId: jobId, delivery: .sent, error: nil)
    }

    public func gaveUp(jobId: UUID, error: String) async {
        do {
            try await log.record(jobId: jobId, delivery: .failed, error: error)
        } catch {
            logger.warning("could not mark a message's delivery failed", metadata: ["job-id": "\(jobId)", "error": "\(error)"])
        }
    }

    /// `<job-id@MAIL_DOMAIN>`, without the brackets.
    static func messageID(_ jobId: UUID, _ sender: MailSender) -> String {
        "\(jobId.uuidString.lowercased())@\(sender.domain)"
    }

    /// The message as it goes out: text and HTML, the calendar entry attached, and for
    /// messages one can turn off the RFC 8058 one-click unsubscribe headers.
    public static func mime(_ message: MailMessage, from sender: MailSender, messageID: String, date: Date) -> MIMEMessage {
        var headers: [(name: String, value: String)] = []
        if let unsubscribe = message.unsubscribeURL {
            headers.append(("List-Unsubscribe", "<\(unsubscribe)>"))
            headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
        }
        let attachments = message.calendar.map {
            [MIMEAttachment(filename: "invite.ics", contentType: "text/calendar; charset=utf-8; method=PUBLISH", content: Data($0.utf8))]
        } ?? []
        return MIMEMessage(
            from: (sender.name, sender.address), to: (message.toName, message.to), subject: message.subject, date: date,
            messageID: messageID, text: message.body, html: message.html ?? "", attachments: attachments, extraHeaders: headers
        )
    }
}
