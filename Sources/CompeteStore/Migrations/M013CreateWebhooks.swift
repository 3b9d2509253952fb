/// Webhooks. `webhook_deliveries` is the webhooks' transactional outbox: the rows are written in
/// the transaction of the change (one per subscription that wants the event, the UNIQUE
/// constraint makes it at most one) and the delivery lane claims them like jobs (`claim_token`,
/// `locked_until`). `seq` orders deliveries for the per-subscription ordering rule. A
/// subscription's `events` are stored as `,a,b,` (or `,*,`) so matching is a LIKE, as for tags.
struct M013CreateWebhooks: SchemaMigration {
    func statements(_ f: SQLFlavor) -> [String] {
        let seq = f == .sqlite ? "seq INTEGER PRIMARY KEY AUTOINCREMENT" : "seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
        return [
            """
            CREATE TABLE webhook_subscriptions (
                id \(f.uuidType) PRIMARY KEY,
                owner_id \(f.uuidType) NOT NULL REFERENCES users (id),
                url TEXT NOT NULL,
                secret TEXT NOT NULL,
                events TEXT NOT NULL,
                competition_id \(f.uuidType) REFERENCES competitions (id) ON DELETE CASCADE,
                enabled BOOLEAN NOT NULL,
                created_at \(f.timestampType) NOT NULL
            )
            """,
            "CREATE INDEX webhook_subscriptions_owner ON webhook_subscriptions (owner_id, created_at)",
            """
            CREATE TABLE webhook_events (
                id \(f.uuidType) PRIMARY KEY,
                type TEXT NOT NULL,
                competition_id \(f.uuidType) NOT NULL,
                body TEXT NOT NULL,
                created_at \(f.timestampType) NOT NULL
            )
            """,
            """
            CREATE TABLE webhook_deliveries (
                \(seq),
                id \(f.uuidType) NOT NULL UNIQUE,
                subscription_id \(f.uuidType) NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
                event_id \(f.uuidType) NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at \(f.timestampType) NOT NULL,
                claim_token \(f.uuidType),
                locked_until \(f.timestampType),
                last_status_code INTEGER,
                last_error TEXT,
                created_at \(f.timestampType) NOT NULL,
                delivered_at \(f.timestampType),
                updated_at \(f.timestampType) NOT NULL,
                CONSTRAINT webhook_deliveries_once UNIQUE (subscription_id, event_id)
            )
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)",
            "CREATE INDEX webhook_deliveries_stream ON webhook_deliveries (subscription_id, status, seq)",
            "CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id)",
        ]
    }

    func revertStatements(_ f: SQLFlavor) -> [String] {
        ["DROP TABLE webhook_deliveries", "DROP TABLE webhook_events", "DROP TABLE webhook_subscriptions"]
    }
}
