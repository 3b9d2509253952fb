/// At most one active registration per participant and competition, enforced by a partial
/// unique index; cancelled rows stay as history and do not block registering again.
///
/// `status` holds `RegistrationStatus` raw values. The index predicate spells
/// `RegistrationStatus.cancelled` as SQL text, as a migration must (it runs as written forever);
/// the team store's member insert (`ON CONFLICT … WHERE`) renders the same predicate from the enum and
/// must keep matching it.
struct M003CreateRegistrations: SchemaMigration {
    func statements(_ f: SQLFlavor) -> [String] {
        [
            """
            CREATE TABLE registrations (
                id \(f.uuidType) PRIMARY KEY,
                competition_id \(f.uuidType) NOT NULL REFERENCES competitions (id),
                user_id \(f.uuidType) NOT NULL REFERENCES users (id),
                status TEXT NOT NULL,
                created_at \(f.timestampType) NOT NULL,
                cancelled_at \(f.timestampType)
            )
            """,
            """
            CREATE UNIQUE INDEX registrations_active ON registrations (competition_id, user_id)
            WHERE status <> 'cancelled'
            """,
            "CREATE INDEX registrations_user ON registrations (user_id, created_at)",
        ]
    }

    func revertStatements(_ f: SQLFlavor) -> [String] { ["DROP TABLE registrations"] }
}
