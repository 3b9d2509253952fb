/// `registered_count` is the seat counter claimed by a conditional UPDATE; the CHECK is the
/// schema's backstop against overselling. Tags are stored as `,a,b,` so a tag filter is a LIKE.
struct M002CreateCompetitions: SchemaMigration {
    func statements(_ f: SQLFlavor) -> [String] {
        [
            """
            CREATE TABLE competitions (
                id \(f.uuidType) PRIMARY KEY,
                title TEXT NOT NULL,
                description TEXT NOT NULL,
                tags TEXT NOT NULL,
                capacity INTEGER NOT NULL CHECK (capacity > 0),
                registered_count INTEGER NOT NULL DEFAULT 0,
                waitlist_capacity INTEGER NOT NULL DEFAULT 0,
                waitlist_count INTEGER NOT NULL DEFAULT 0,
                reg_deadline \(f.timestampType) NOT NULL,
                start_date \(f.timestampType) NOT NULL,
                organizer_id \(f.uuidType) NOT NULL REFERENCES users (id),
                created_at \(f.timestampType) NOT NULL,
                updated_at \(f.timestampType) NOT NULL,
                CONSTRAINT competitions_seats CHECK (registered_count >= 0 AND registered_count <= capacity)
            )
            """,
            "CREATE INDEX competitions_schedule ON competitions (start_date, reg_deadline, id)",
            "CREATE INDEX competitions_organizer ON competitions (organizer_id, start_date)",
        ]
    }

    func revertStatements(_ f: SQLFlavor) -> [String] { ["DROP TABLE competitions"] }
}
