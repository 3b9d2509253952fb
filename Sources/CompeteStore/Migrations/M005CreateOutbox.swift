/// The transactional outbox: a row is written in the same transaction as the change that
/// causes a message, so it exists exactly when that change committed. The job relay consumes it.
struct M005CreateOutbox: SchemaMigration {
    func statements(_ f: SQLFlavor) -> [String] {
        [
            """
            CREATE TABLE outbox (
                id \(f.uuidType) PRIMARY KEY,
                topic TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at \(f.timestampType) NOT NULL
            )
            """,
            "CREATE INDEX outbox_created ON outbox (created_at)",
        ]
    }

    func revertStatements(_ f: SQLFlavor) -> [String] { ["DROP TABLE outbox"] }
}
