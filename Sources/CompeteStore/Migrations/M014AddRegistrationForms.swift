/// Registration forms (API.md "Registration forms"): a competition's questions, rules and
/// approval setting, and each registration's answers and the organizer's decision.
///
/// Stored as text both databases read the same way (docs/api.md "How answers are stored"):
/// `competitions.questions` is the JSON list of questions as the API serves them;
/// `registrations.answers` a canonical JSON object (sorted keys; dates `YYYY-MM-DD` text,
/// checkboxes JSON booleans, multiple choices JSON lists, numbers JSON numbers) — PostgreSQL's
/// and SQLite's own date, boolean and array types differ, JSON text does not.
/// `requires_approval` is 0/1 on both for the same reason. `pending_count` counts the
/// registrations waiting for approval (they hold no seat), like `waitlist_count`.
struct M014AddRegistrationForms: SchemaMigration {
    func statements(_ f: SQLFlavor) -> [String] {
        [
            "ALTER TABLE competitions ADD COLUMN questions TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE competitions ADD COLUMN rules TEXT",
            "ALTER TABLE competitions ADD COLUMN requires_approval INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE competitions ADD COLUMN pending_count INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE registrations ADD COLUMN answers TEXT NOT NULL DEFAULT '{}'",
            "ALTER TABLE registrations ADD COLUMN decline_reason TEXT",
            "ALTER TABLE registrations ADD COLUMN decided_at \(f.timestampType)",
            "ALTER TABLE competitions ADD CONSTRAINT competitions_pending CHECK (pending_count >= 0)",
        ].filter { f == .postgres || !$0.contains("ADD CONSTRAINT") }
    }

    /// Pending and declined registrations (statuses this migration introduced) become
    /// cancelled ones, which hold no seat either: the code before it knows neither status.
    func revertStatements(_ f: SQLFlavor) -> [String] {
        [
            "ALTER TABLE competitions DROP CONSTRAINT competitions_pending",
            "UPDATE registrations SET status = 'cancelled' WHERE status IN ('pending', 'declined')",
            "ALTER TABLE registrations DROP COLUMN decided_at",
            "ALTER TABLE registrations DROP COLUMN decline_reason",
            "ALTER TABLE registrations DROP COLUMN answers",
            "ALTER TABLE competitions DROP COLUMN pending_count",
            "ALTER TABLE competitions DROP COLUMN requires_approval",
            "ALTER TABLE competitions DROP COLUMN rules",
            "ALTER TABLE competitions DROP COLUMN questions",
        ].filter { f == .postgres || !$0.contains("DROP CONSTRAINT") }
    }
}
