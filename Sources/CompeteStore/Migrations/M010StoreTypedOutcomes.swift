/// Idempotency records keep the service's typed outcome (`outcome`, the encoded value) instead
/// of a rendered HTTP response; the API and the web UI each render it (docs/architecture.md).
/// While `outcome` is NULL the request is in flight.
///
/// Finished records of the old form cannot be turned into typed outcomes without parsing HTTP
/// bodies, so both directions drop them: a retry within 24 hours of an upgrade (or downgrade)
/// with a key that finished before it runs again — a registration then answers
/// `already_registered`, a competition is created again. In-flight records are kept.
struct M010StoreTypedOutcomes: SchemaMigration {
    func statements(_ f: SQLFlavor) -> [String] {
        [
            "DELETE FROM idempotency_keys WHERE response_status IS NOT NULL",
            "ALTER TABLE idempotency_keys ADD COLUMN outcome \(f.blobType)",
            "ALTER TABLE idempotency_keys DROP COLUMN response_status",
            "ALTER TABLE idempotency_keys DROP COLUMN response_content_type",
            "ALTER TABLE idempotency_keys DROP COLUMN response_body",
        ]
    }

    func revertStatements(_ f: SQLFlavor) -> [String] {
        [
            "DELETE FROM idempotency_keys WHERE outcome IS NOT NULL",
            "ALTER TABLE idempotency_keys DROP COLUMN outcome",
            "ALTER TABLE idempotency_keys ADD COLUMN response_status INTEGER",
            "ALTER TABLE idempotency_keys ADD COLUMN response_content_type TEXT",
            "ALTER TABLE idempotency_keys ADD COLUMN response_body \(f.blobType)",
        ]
    }
}
