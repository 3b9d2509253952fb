/// Delivered (simulated) email. `job_id` is unique: a job delivered twice leaves one message.
/// `reminder_log` makes "one reminder per registration and kind" a constraint, not timing luck.
struct M007CreateMailbox: SchemaMigration {
    func statements(_ f: SQLFlavor) -> [String] {
        [
            """
            CREATE TABLE mailbox (
                id \(f.uuidType) PRIMARY KEY,
                job_id \(f.uuidType) NOT NULL,
                user_id \(f.uuidType) NOT NULL REFERENCES users (id),
                kind TEXT NOT NULL,
                to_address TEXT NOT NULL,
                subject TEXT NOT NULL,
                body TEXT NOT NULL,
                sent_at \(f.timestampType) NOT NULL,
                CONSTRAINT mailbox_job_unique UNIQUE (job_id)
            )
            """,
            "CREATE INDEX mailbox_user ON mailbox (user_id, sent_at)",
            """
            CREATE TABLE reminder_log (
                registration_id \(f.uuidType) NOT NULL REFERENCES registrations (id),
                kind TEXT NOT NULL,
                scheduled_at \(f.timestampType) NOT NULL,
                PRIMARY KEY (registration_id, kind)
            )
            """,
        ]
    }

    func revertStatements(_ f: SQLFlavor) -> [String] { ["DROP TABLE reminder_log", "DROP TABLE mailbox"] }
}
