import CompeteStore
import FluentKit
import Foundation
import SQLKit
import Testing

/// Every migration's revert undoes all its prepare did, in an order each database accepts:
/// walking back from the full schema, reverting a migration and preparing it again must give the
/// same schema (a leftover index, column or constraint makes the second prepare fail), and
/// reverting them all must leave no table behind.
@Suite(.serialized) struct MigrationTests {
    @Test(arguments: Backend.all)
    func eachRevertUndoesItsMigration(backend: Backend) async throws {
        try await withServer(backend) { server in
            let database = server.system.app.db
            for migration in CompeteStore.Schema.migrations.reversed() {
                let name = String(describing: type(of: migration))
                let prepared = try await schema(server)
                try await migration.revert(on: database).get()
                let reverted = try await schema(server)
                #expect(reverted != prepared, "\(name) reverted nothing")
                try await migration.prepare(on: database).get()
                #expect(try await schema(server) == prepared, "\(name): prepare after revert differs")
                try await migration.revert(on: database).get()
                #expect(try await schema(server) == reverted, "\(name): second revert differs")
            }
            #expect(try await tables(server) == [], "tables left after reverting every migration")
        }
    }

    /// Columns (with type, nullability, default), indexes and constraints, one line each, in an
    /// order that ignores column positions (a revert may add a dropped column back at the end).
    private func schema(_ server: TestServer) async throws -> [String] {
        let queries: [SQLQueryString] = switch server.backend {
        case .sqlite: [
            """
            SELECT m.name || '.' || p.name || ' ' || p.type || ' ' || p."notnull" || ' ' || COALESCE(p.dflt_value, '')
                   || ' ' || p.pk AS line
            FROM sqlite_master m, pragma_table_info(m.name) p
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
            """,
            "SELECT name || ' ' || tbl_name || ' ' || COALESCE(sql, '') AS line FROM sqlite_master WHERE type = 'index'",
        ]
        case .postgres, .postgresRedis: [
            """
            SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' '
                   || COALESCE(column_default, '') AS line
            FROM information_schema.columns WHERE table_schema = current_schema()
            """,
            "SELECT indexname || ' ' || indexdef AS line FROM pg_indexes WHERE schemaname = current_schema()",
            """
            SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS line
            FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
            """,
        ]
        }
        var lines: [String] = []
        for query in queries {
            lines += try await server.sql.raw(query).all(decodingColumn: "line", as: String.self)
        }
        return lines.sorted()
    }

    /// Tables other than Fluent's own record of applied migrations.
    private func tables(_ server: TestServer) async throws -> [String] {
        let query: SQLQueryString = switch server.backend {
        case .sqlite:
            "SELECT name AS line FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        case .postgres, .postgresRedis:
            "SELECT table_name AS line FROM information_schema.tables WHERE table_schema = current_schema()"
        }
        return try await server.sql.raw(query).all(decodingColumn: "line", as: String.self)
            .filter { $0 != "_fluent_migrations" }
    }
}
