import Foundation

/// An email: what lands in a participant's mailbox, and with `MAIL_TRANSPORT=smtp` also what
/// is sent to their inbox.
public struct MailMessage: Sendable, Equatable {
    /// Adding a kind is adding a case here and its template pair in CompeteJobs' `MailTemplates`.
    public enum Kind: String, Sendable, Codable {
        case confirmation, cancellation, promotion, reminder, pending, waitlisted, declined
    }

    public let kind: Kind
    public let userId: UUID
    public let to: String
    public let subject: String
    /// The plain-text body: the mailbox shows it, and it is the email's text part.
    public let body: String
    /// The recipient's name, for the email's `To`.
    public let toName: String?
    /// The email's HTML part.
    public let html: String?
    /// An RFC 5545 calendar sent along as `invite.ics` (the confirmation's).
    public let calendar: String?
    /// The one-click unsubscribe address of messages a user may turn off (reminders).
    public let unsubscribeURL: String?
    /// The registration the message is about, so the organizer sees failed deliveries.
    public let registrationId: UUID?

    public init(
        kind: Kind, userId: UUID, to: String, subject: String, body: String, toName: String? = nil, html: String? = nil,
        calendar: String? = nil, unsubscribeURL: String? = nil, registrationId: UUID? = nil
    ) {
        self.kind = kind
        self.userId = userId
        self.to = to
        self.subject = subject
        self.body = body
        self.toName = toName
        self.html = html
        self.calendar = calendar
        self.unsubscribeURL = unsubscribeURL
        self.registrationId = registrationId
    }
}

/// How far a recorded message got: `recorded` (mailbox only, the embedded default), `sent`
/// (the mail server took it), `retrying` (a temporary failure; the job tries again), `failed`
/// (refused for good, or out of attempts).
public enum MailDelivery: String, Sendable, Codable, CaseIterable {
    case recorded, sent, retrying, failed
}

/// A recorded message.
public struct MailboxEntry: Sendable, Equatable {
    public let id: UUID
    public let message: MailMessage
    public let sentAt: Date
    public let delivery: MailDelivery

    public init(id: UUID, message: MailMessage, sentAt: Date, delivery: MailDelivery = .recorded) {
        self.id = id
        self.message = message
        self.sentAt = sentAt
        self.delivery = delivery
    }
}

public protocol MailboxReader: Sendable {
    /// The user's newest messages first, at most `limit`.
    func messages(userId: UUID, limit: Int) async throws -> [MailboxEntry]
}

/// A participant reading their own mailbox.
public struct MailboxService: Sendable {
    let reader: any MailboxReader
    public static let pageSize = 100

    public init(reader: any MailboxReader) {
        self.reader = reader
    }

    public func inbox(_ principal: Principal) async throws -> [MailboxEntry] {
        try await reader.messages(userId: principal.userId, limit: Self.pageSize)
    }
}
