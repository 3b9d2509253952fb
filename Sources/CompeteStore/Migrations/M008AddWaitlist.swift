/// Waitlists: `waitlist_tail` hands out increasing `waitlist_seq` numbers per competition, so the
/// waitlist is ordered first come, first served, and a new entry's position is simply the
/// waitlist count after it joined.
struct M008AddWaitlist: SchemaMigration {
    func statements(_ f: SQLFlavor) -> [String] {
        [
            "ALTER TABLE competitions ADD COLUMN waitlist_tail BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE registrations ADD COLUMN waitlist_seq BIGINT",
            "CREATE INDEX registrations_waitlist ON registrations (competition_id, status, waitlist_seq)",
            """
            ALTER TABLE competitions ADD CONSTRAINT competitions_waitlist
            CHECK (waitlist_count >= 0 AND waitlist_count <= waitlist_capacity)
            """,
        ].filter { f == .postgres || !$0.contains("ADD CONSTRAINT") }
    }

    /// The reverse order: the constraint (PostgreSQL only, as above) and the index go before the
    /// columns, since SQLite refuses to drop an indexed column.
    func revertStatements(_ f: SQLFlavor) -> [String] {
        [
            "ALTER TABLE competitions DROP CONSTRAINT competitions_waitlist",
            "DROP INDEX registrations_waitlist",
            "ALTER TABLE registrations DROP COLUMN waitlist_seq",
            "ALTER TABLE competitions DROP COLUMN waitlist_tail",
        ].filter { f == .postgres || !$0.contains("DROP CONSTRAINT") }
    }
}
