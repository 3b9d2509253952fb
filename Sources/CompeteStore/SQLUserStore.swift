import CompeteCore
import Foundation
import SQLKit

public struct SQLUserStore: UserStore {
    let context: SQLContext

    public init(context: SQLContext) {
        self.context = context
    }

    public func create(_ new: NewUser) async throws {
        let user = new.user
        let inserted = try await context.sql.raw("""
            INSERT INTO users (id, name, email, password_hash, role, created_at)
            VALUES (\(bind: user.id), \(bind: user.name), \(bind: user.email), \(bind: new.passwordHash),
                    \(bind: user.role.rawValue), \(bind: user.createdAt))
            ON CONFLICT (email) DO NOTHING
            RETURNING id
            """).first()
        guard inserted != nil else { throw DomainError.emailTaken }
    }

    public func find(id: UUID) async throws -> User? {
        try await context.sql.raw("""
            SELECT id, name, email, role, created_at, token_version FROM users WHERE id = \(bind: id)
            """).first(decoding: UserRow.self, with: .snakeCase)?.user
    }

    public func credentials(email: String) async throws -> (user: User, passwordHash: String)? {
        guard let row = try await context.sql.raw("""
            SELECT id, name, email, role, created_at, token_version, password_hash FROM users WHERE email = \(bind: email)
            """).first() else { return nil }
        return (
            try row.decode(model: UserRow.self, with: .snakeCase).user,
            try row.decode(model: PasswordRow.self, with: .snakeCase).passwordHash
        )
    }
}

/// A row of `users`, without the password hash that only `credentials` reads.
private struct UserRow: Decodable {
    let id: UUID
    let name: String
    let email: String
    let role: String
    let createdAt: Date
    let tokenVersion: Int

    var user: User {
        User(
            id: id, name: name, email: email, role: Role(rawValue: role) ?? .participant, createdAt: createdAt,
            tokenVersion: tokenVersion
        )
    }
}

/// The password hash, read from the same row as its `UserRow` when signing in.
private struct PasswordRow: Decodable {
    let passwordHash: String
}
