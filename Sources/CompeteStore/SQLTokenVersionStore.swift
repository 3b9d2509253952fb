import CompeteCore
import Foundation
import SQLKit

/// Logging out in SQL: `users.token_version` moves on and `tokens_revoked_at` stamps when, so
/// other instances find it with one indexed read (M011).
public struct SQLTokenVersionStore: TokenVersionStore {
    let context: SQLContext

    public init(context: SQLContext) {
        self.context = context
    }

    public func revokeTokens(userId: UUID, now: Date) async throws -> TokenRevocation? {
        // Through the writer on SQLite, like every other write of a request.
        let version = try await context.transaction { sql in
            try await sql.raw("""
                UPDATE users SET token_version = token_version + 1, tokens_revoked_at = \(bind: now)
                WHERE id = \(bind: userId)
                RETURNING token_version
                """).first(decodingColumn: "token_version", as: Int.self)
        }
        return version.map { TokenRevocation(userId: userId, version: $0, at: now) }
    }

    public func revocations(since: Date) async throws -> [TokenRevocation] {
        try await context.sql.raw("""
            SELECT id, token_version, tokens_revoked_at FROM users
            WHERE tokens_revoked_at IS NOT NULL AND tokens_revoked_at > \(bind: since)
            """).all(decoding: RevocationRow.self, with: .snakeCase).map {
                TokenRevocation(userId: $0.id, version: $0.tokenVersion, at: $0.tokensRevokedAt)
            }
    }
}

/// A user whose tokens were revoked, as `revocations(since:)` selects it.
private struct RevocationRow: Decodable {
    let id: UUID
    let tokenVersion: Int
    let tokensRevokedAt: Date
}
