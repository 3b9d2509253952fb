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
            """).first().map(Self.user)
    }

    public func credentials(email: String) async throws -> (user: User, passwordHash: String)? {
        guard let row = try await context.sql.raw("""
            SELECT id, name, email, role, created_at, token_version, password_hash FROM users WHERE email = \(bind: email)
            """).first() else { return nil }
        return (try Self.user(row), try row.decode(column: "password_hash", as: String.self))
    }

    static func user(_ row: any SQLRow) throws -> User {
        User(
            id: try row.decode(column: "id", as: UUID.self),
            name: try row.decode(column: "name", as: String.self),
            email: try row.decode(column: "email", as: String.self),
            role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .participant,
            createdAt: try row.decode(column: "created_at", as: Date.self),
            tokenVersion: try row.decode(column: "token_version", as: Int.self)
        )
    }
}
