/// One row per (user, key). While `response_status` (M010: `outcome`) is NULL the request is in flight and
/// `lease_token`/`locked_until` say who owns it until when.
struct M004CreateIdempotencyKeys: SchemaMigration {
    func statements(_ f: SQLFlavor) -> [String] {
        [
            """
            CREATE TABLE idempotency_keys (
                user_id \(f.uuidType) NOT NULL,
                key TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                lease_token \(f.uuidType) NOT NULL,
                locked_until \(f.timestampType) NOT NULL,
                response_status INTEGER,
                response_content_type TEXT,
                response_body \(f.blobType),
                created_at \(f.timestampType) NOT NULL,
                PRIMARY KEY (user_id, key)
            )
            """,
            "CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)",
        ]
    }

    func revertStatements(_ f: SQLFlavor) -> [String] { ["DROP TABLE idempotency_keys"] }
}
