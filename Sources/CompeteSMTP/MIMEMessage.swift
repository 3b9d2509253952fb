import Foundation

/// A file carried with a message, such as the competition's `invite.ics`.
public struct MIMEAttachment: Sendable, Equatable {
    public let filename: String
    /// The full Content-Type, e.g. `text/calendar; charset=utf-8; method=PUBLISH`.
    public let contentType: String
    public let content: Data

    public init(filename: String, contentType: String, content: Data) {
        self.filename = filename
        self.contentType = contentType
        self.content = content
    }
}

/// An RFC 5322 message: `multipart/alternative` (text, then HTML, the preferred last), wrapped in
/// `multipart/mixed` when it carries attachments. Every value put into a header goes through
/// ``MIMEEncoding`` and cannot add a header line of its own.
public struct MIMEMessage: Sendable {
    public var from: (name: String?, address: String)
    public var to: (name: String?, address: String)
    public var subject: String
    public var date: Date
    /// Without angle brackets: `job-id@domain`.
    public var messageID: String
    public var text: String
    public var html: String
    public var attachments: [MIMEAttachment]
    /// Further headers, e.g. `List-Unsubscribe`; names are fixed by the caller, values are made safe.
    public var extraHeaders: [(name: String, value: String)]

    public init(
        from: (name: String?, address: String), to: (name: String?, address: String), subject: String, date: Date,
        messageID: String, text: String, html: String, attachments: [MIMEAttachment] = [],
        extraHeaders: [(name: String, value: String)] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.text = text
        self.html = html
        self.attachments = attachments
        self.extraHeaders = extraHeaders
    }

    /// The whole message with CRLF line ends, 7-bit clean.
    public func rendered(boundary: String = "=_mc_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()) -> String {
        var headers = [
            "Date: \(MIMEEncoding.date(date))",
            "From: \(MIMEEncoding.mailbox(name: from.name, address: from.address))",
            "To: \(MIMEEncoding.mailbox(name: to.name, address: to.address))",
            "Subject: \(MIMEEncoding.unstructured(subject))",
            "Message-ID: <\(MIMEEncoding.headerSafe(messageID))>",
            "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
        ]
        headers += extraHeaders.map { "\($0.name): \(MIMEEncoding.headerSafe($0.value))" }
        let alternative = boundary + "_alt"
        var body = [
            "--\(alternative)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            MIMEEncoding.quotedPrintable(text),
            "--\(alternative)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            MIMEEncoding.quotedPrintable(html),
            "--\(alternative)--",
        ]
        if attachments.isEmpty {
            headers.append("Content-Type: multipart/alternative; boundary=\"\(alternative)\"")
        } else {
            headers.append("Content-Type: multipart/mixed; boundary=\"\(boundary)\"")
            body = ["--\(boundary)", "Content-Type: multipart/alternative; boundary=\"\(alternative)\"", ""] + body
            for attachment in attachments {
                let name = attachment.filename.filter { $0.isLetter || $0.isNumber || ".-_".contains($0) }
                body += [
                    "--\(boundary)",
                    "Content-Type: \(MIMEEncoding.headerSafe(attachment.contentType)); name=\"\(name)\"",
                    "Content-Disposition: attachment; filename=\"\(name)\"",
                    "Content-Transfer-Encoding: base64",
                    "",
                    MIMEEncoding.base64Lines(attachment.content),
                ]
            }
            body.append("--\(boundary)--")
        }
        return (headers + [""] + body).joined(separator: "\r\n") + "\r\n"
    }
}
