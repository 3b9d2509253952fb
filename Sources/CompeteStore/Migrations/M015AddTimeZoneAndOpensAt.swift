/// Where a competition happens and when its registration opens: `time_zone` is an IANA name
/// (checked by the domain; existing competitions are `UTC`, which is how they were shown),
/// `opens_at` NULL means open from publication. The seat claim compares `opens_at` in its own
/// conditional update, so no index is needed for it. PostgreSQL also keeps the domain's rule
/// that registration opens before it closes.
struct M015AddTimeZoneAndOpensAt: SchemaMigration {
    func statements(_ f: SQLFlavor) -> [String] {
        [
            "ALTER TABLE competitions ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC'",
            "ALTER TABLE competitions ADD COLUMN opens_at \(f.timestampType)",
            """
            ALTER TABLE competitions ADD CONSTRAINT competitions_opens_before_deadline
            CHECK (opens_at IS NULL OR opens_at < reg_deadline)
            """,
        ].filter { f == .postgres || !$0.contains("ADD CONSTRAINT") }
    }

    func revertStatements(_ f: SQLFlavor) -> [String] {
        [
            "ALTER TABLE competitions DROP CONSTRAINT competitions_opens_before_deadline",
            "ALTER TABLE competitions DROP COLUMN opens_at",
            "ALTER TABLE competitions DROP COLUMN time_zone",
        ].filter { f == .postgres || !$0.contains("DROP CONSTRAINT") }
    }
}
