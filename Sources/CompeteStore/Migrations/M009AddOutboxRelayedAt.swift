/// With the Redis queue, an outbox row stays until its job is finished and `relayed_at` says
/// when it was last handed to Redis (NULL: not yet). The SQL queue deletes rows as it relays
/// them and never sets it.
struct M009AddOutboxRelayedAt: SchemaMigration {
    func statements(_ f: SQLFlavor) -> [String] {
        [
            "ALTER TABLE outbox ADD COLUMN relayed_at \(f.timestampType)",
            "CREATE INDEX outbox_relayed ON outbox (relayed_at, created_at)",
        ]
    }

    func revertStatements(_ f: SQLFlavor) -> [String] {
        ["DROP INDEX outbox_relayed", "ALTER TABLE outbox DROP COLUMN relayed_at"]
    }
}
