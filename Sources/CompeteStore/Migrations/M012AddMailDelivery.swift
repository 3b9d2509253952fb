/// Real email beside the mailbox. Each mailbox row says how far its message got
/// (`delivery`: recorded, sent, retrying, failed — see ``MailDelivery``) and why it failed
/// (`delivery_error`, the server's reply); `registration_id` lets the organizer's registrants list
/// show failed deliveries. `reminders_enabled` is the account's answer to the reminders'
/// one-click unsubscribe.
struct M012AddMailDelivery: SchemaMigration {
    func statements(_ f: SQLFlavor) -> [String] {
        [
            "ALTER TABLE mailbox ADD COLUMN delivery TEXT NOT NULL DEFAULT 'recorded'",
            "ALTER TABLE mailbox ADD COLUMN delivery_error TEXT",
            "ALTER TABLE mailbox ADD COLUMN registration_id \(f.uuidType)",
            "CREATE INDEX mailbox_registration ON mailbox (registration_id) WHERE registration_id IS NOT NULL",
            "ALTER TABLE users ADD COLUMN reminders_enabled BOOLEAN NOT NULL DEFAULT TRUE",
        ]
    }

    func revertStatements(_ f: SQLFlavor) -> [String] {
        [
            "ALTER TABLE users DROP COLUMN reminders_enabled",
            "DROP INDEX mailbox_registration",
            "ALTER TABLE mailbox DROP COLUMN registration_id",
            "ALTER TABLE mailbox DROP COLUMN delivery_error",
            "ALTER TABLE mailbox DROP COLUMN delivery",
        ]
    }
}
