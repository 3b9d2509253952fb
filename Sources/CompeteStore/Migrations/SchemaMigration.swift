import FluentKit
import SQLKit

/// A migration written as plain SQL statements, with the column types spelled for the current
/// database. Numbered files hold one migration each, in order.
protocol SchemaMigration: AsyncMigration {
    func statements(_ flavor: SQLFlavor) -> [String]
    func revertStatements(_ flavor: SQLFlavor) -> [String]
}

extension SchemaMigration {
    func prepare(on database: any Database) async throws {
        let sql = SQLContext.sql(database)
        for statement in statements(SQLFlavor(sql)) {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = SQLContext.sql(database)
        for statement in revertStatements(SQLFlavor(sql)) {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
    }
}

/// All migrations, in order.
public enum Schema {
    public static let migrations: [any Migration] = [
        M001CreateUsers(),
        M002CreateCompetitions(),
        M003CreateRegistrations(),
        M004CreateIdempotencyKeys(),
        M005CreateOutbox(),
        M006CreateJobs(),
        M007CreateMailbox(),
        M008AddWaitlist(),
        M009AddOutboxRelayedAt(),
        M010StoreTypedOutcomes(),
        M011AddTokenVersion(),
        M012AddMailDelivery(),
        M013CreateWebhooks(),
        M014AddRegistrationForms(),
        M015AddTimeZoneAndOpensAt(),
    ]
}
