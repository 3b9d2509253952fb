import Foundation

/// A simulated email, as it lands in a participant's mailbox.
public struct MailMessage: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case confirmation, cancellation, promotion, reminder
        case teamMemberJoined = "team_member_joined"
        case teamMemberLeft = "team_member_left"
    }

    public let kind: Kind
    public let userId: UUID
    public let to: String
    public let subject: String
    public let body: String

    public init(kind: Kind, userId: UUID, to: String, subject: String, body: String) {
        self.kind = kind
        self.userId = userId
        self.to = to
        self.subject = subject
        self.body = body
    }
}

/// A delivered message.
public struct MailboxEntry: Sendable, Equatable {
    public let id: UUID
    public let message: MailMessage
    public let sentAt: Date

    public init(id: UUID, message: MailMessage, sentAt: Date) {
        self.id = id
        self.message = message
        self.sentAt = sentAt
    }
}

public protocol MailboxReader: Sendable {
    /// The user's newest messages first, at most `limit`.
    func messages(userId: UUID, limit: Int) async throws -> [MailboxEntry]
}

/// A participant reading their own (simulated) email.
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
