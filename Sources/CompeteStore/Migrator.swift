import FluentKit
import SQLKit

/// Serialises migrations across instances that boot at the same time against one PostgreSQL.
public enum MigrationLock {
    /// Arbitrary constant naming Mini Compete's advisory lock.
    static let key = 727_274_001

    public static func withLock(on database: any Database, _ body: @escaping @Sendable () async throws -> Void) async throws {
        guard SQLFlavor(SQLContext.sql(database)) == .postgres else {
            return try await body()
        }
        try await database.withConnection { connection in
            let sql = SQLContext.sql(connection)
            try await sql.raw("SELECT pg_advisory_lock(\(literal: key))").run()
            do {
                try await body()
            } catch {
                _ = try? await sql.raw("SELECT pg_advisory_unlock(\(literal: key))").run()
                throw error
            }
            try await sql.raw("SELECT pg_advisory_unlock(\(literal: key))").run()
        }
    }
}
