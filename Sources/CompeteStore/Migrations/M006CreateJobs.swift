/// The SQL job queue. `waiting` jobs run from `run_at`; `active` ones are held by the claim with
/// `claim_token` until `locked_until`, after which another worker may claim them again (the worker
/// died). Finished jobs stay as `completed` for inspection. The states are `JobState`'s raw values,
/// which the queue binds; nothing here spells them.
struct M006CreateJobs: SchemaMigration {
    func statements(_ f: SQLFlavor) -> [String] {
        [
            """
            CREATE TABLE jobs (
                id \(f.uuidType) PRIMARY KEY,
                type TEXT NOT NULL,
                payload TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                run_at \(f.timestampType) NOT NULL,
                claim_token \(f.uuidType),
                locked_until \(f.timestampType),
                last_error TEXT,
                created_at \(f.timestampType) NOT NULL,
                updated_at \(f.timestampType) NOT NULL
            )
            """,
            "CREATE INDEX jobs_ready ON jobs (status, run_at)",
            """
            CREATE TABLE dead_letters (
                job_id \(f.uuidType) PRIMARY KEY,
                type TEXT NOT NULL,
                payload TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                last_error TEXT NOT NULL,
                created_at \(f.timestampType) NOT NULL,
                failed_at \(f.timestampType) NOT NULL
            )
            """,
        ]
    }

    func revertStatements(_ f: SQLFlavor) -> [String] { ["DROP TABLE dead_letters", "DROP TABLE jobs"] }
}
