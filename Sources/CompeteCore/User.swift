import Foundation

public enum Role: String, Sendable, Codable, CaseIterable {
    case participant
    case organizer

    /// Accepts any letter case on input (`"Organizer"`), as the API contract requires.
    public init?(lenient raw: String) {
        self.init(rawValue: raw.lowercased())
    }
}

public struct User: Sendable, Equatable {
    public let id: UUID
    public let name: String
    public let email: String
    public let role: Role
    public let createdAt: Date
    /// The generation of the account's tokens: logging out moves it on, and tokens carrying an
    /// older one are refused (`TokenRevocations`).
    public let tokenVersion: Int

    public init(id: UUID, name: String, email: String, role: Role, createdAt: Date, tokenVersion: Int = 0) {
        self.id = id
        self.name = name
        self.email = email
        self.role = role
        self.createdAt = createdAt
        self.tokenVersion = tokenVersion
    }
}

/// A user about to be stored: the password is already hashed.
public struct NewUser: Sendable {
    public let user: User
    public let passwordHash: String

    public init(user: User, passwordHash: String) {
        self.user = user
        self.passwordHash = passwordHash
    }
}

/// What a bearer token proves about its holder.
public struct Principal: Sendable, Equatable {
    public let userId: UUID
    public let role: Role
    /// The account's token generation when the token was issued (0 for tokens that carry none).
    public let tokenVersion: Int

    public init(userId: UUID, role: Role, tokenVersion: Int = 0) {
        self.userId = userId
        self.role = role
        self.tokenVersion = tokenVersion
    }
}
