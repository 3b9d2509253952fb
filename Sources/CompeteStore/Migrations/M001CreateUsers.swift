/// The `role` CHECK lists `Role`'s raw values as SQL text, as a migration must (it runs as
/// written forever): a new role needs a migration that widens it.
struct M001CreateUsers: SchemaMigration {
    func statements(_ f: SQLFlavor) -> [String] {
        ["""
        CREATE TABLE users (
            id \(f.uuidType) PRIMARY KEY,
            name TEXT NOT NULL,
            email TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('participant', 'organizer')),
            created_at \(f.timestampType) NOT NULL,
            CONSTRAINT users_email_unique UNIQUE (email)
        )
        """]
    }

    func revertStatements(_ f: SQLFlavor) -> [String] { ["DROP TABLE users"] }
}
