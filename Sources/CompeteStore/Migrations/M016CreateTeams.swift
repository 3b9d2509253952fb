/// Team competitions. `team_min`/`team_max` on a competition (both NULL: individuals); a team
/// holds one seat (or one waitlist place) of `registered_count`/`waitlist_count`, and each of
/// its members has a registration carrying `team_id`, so the partial unique index
/// `registrations_active` (M003) is also what keeps a participant out of two teams of one
/// competition. `size` is the member counter the join's conditional update compares with
/// `team_max` (no COUNT(*) under a lock); `name_key` (lower-cased name) is unique among a
/// competition's live teams; `invite_code` is unique everywhere.
struct M016CreateTeams: SchemaMigration {
    func statements(_ f: SQLFlavor) -> [String] {
        [
            "ALTER TABLE competitions ADD COLUMN team_min INTEGER",
            "ALTER TABLE competitions ADD COLUMN team_max INTEGER",
            """
            CREATE TABLE teams (
                id \(f.uuidType) PRIMARY KEY,
                competition_id \(f.uuidType) NOT NULL REFERENCES competitions (id),
                name TEXT NOT NULL,
                name_key TEXT NOT NULL,
                status TEXT NOT NULL,
                captain_id \(f.uuidType) NOT NULL REFERENCES users (id),
                invite_code TEXT NOT NULL,
                size INTEGER NOT NULL CHECK (size >= 0 AND size <= 100),
                waitlist_seq BIGINT,
                created_at \(f.timestampType) NOT NULL,
                cancelled_at \(f.timestampType)
            )
            """,
            "CREATE UNIQUE INDEX teams_invite_code ON teams (invite_code)",
            "CREATE UNIQUE INDEX teams_name_live ON teams (competition_id, name_key) WHERE status <> 'cancelled'",
            "CREATE INDEX teams_waitlist ON teams (competition_id, status, waitlist_seq)",
            "ALTER TABLE registrations ADD COLUMN team_id \(f.uuidType) REFERENCES teams (id)",
            "CREATE INDEX registrations_team ON registrations (team_id)",
            """
            ALTER TABLE competitions ADD CONSTRAINT competitions_team_size
            CHECK ((team_min IS NULL AND team_max IS NULL) OR (team_min >= 1 AND team_min <= team_max AND team_max <= 100))
            """,
        ].filter { f == .postgres || !$0.contains("ADD CONSTRAINT") }
    }

    /// The reverse order; SQLite refuses to drop an indexed column, so indexes go first.
    func revertStatements(_ f: SQLFlavor) -> [String] {
        [
            "ALTER TABLE competitions DROP CONSTRAINT competitions_team_size",
            "DROP INDEX registrations_team",
            "ALTER TABLE registrations DROP COLUMN team_id",
            "DROP TABLE teams",
            "ALTER TABLE competitions DROP COLUMN team_max",
            "ALTER TABLE competitions DROP COLUMN team_min",
        ].filter { f == .postgres || !$0.contains("DROP CONSTRAINT") }
    }
}
