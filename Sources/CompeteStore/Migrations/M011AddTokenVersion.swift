/// Logging out ends tokens: `token_version` is the account's token generation (tokens carry the
/// one they were issued under; logging out adds one), `tokens_revoked_at` when it last moved, so
/// each instance can read the recent logouts in one indexed query a second instead of a
/// database round trip per request (`TokenRevocations`). Tokens issued before this migration
/// carry no generation and count as 0, so nobody is logged out by the upgrade.
struct M011AddTokenVersion: SchemaMigration {
    func statements(_ f: SQLFlavor) -> [String] {
        [
            "ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE users ADD COLUMN tokens_revoked_at \(f.timestampType)",
            "CREATE INDEX users_tokens_revoked ON users (tokens_revoked_at) WHERE tokens_revoked_at IS NOT NULL",
        ]
    }

    func revertStatements(_ f: SQLFlavor) -> [String] {
        [
            "DROP INDEX users_tokens_revoked",
            "ALTER TABLE users DROP COLUMN tokens_revoked_at",
            "ALTER TABLE users DROP COLUMN token_version",
        ]
    }
}
