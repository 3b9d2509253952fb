import CompeteStore
import FluentPostgresDriver
import Foundation
import SQLKit
import Vapor

/// A throwaway database on the PostgreSQL server named by `TEST_POSTGRES_URL`.
struct PostgresTestDatabase: Sendable {
    let url: String
    let drop: @Sendable () async throws -> Void

    static func create() async throws -> PostgresTestDatabase {
        guard let admin = Backend.postgresAdminURL, var components = URLComponents(string: admin) else {
            throw TestFailure("TEST_POSTGRES_URL is not set")
        }
        let name = "mc_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await onAdmin(admin) { try await $0.raw("CREATE DATABASE \(ident: name)").run() }
        components.path = "/" + name
        guard let url = components.string else { throw TestFailure("bad TEST_POSTGRES_URL") }
        return PostgresTestDatabase(url: url) {
            try await onAdmin(admin) { try await $0.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run() }
        }
    }

    /// Runs `body` on the server named by `url` (the admin URL), on a connection of its own.
    static func onAdmin(_ url: String, _ body: @escaping @Sendable (any SQLDatabase) async throws -> Void) async throws {
        let app = try await Application.make(.testing)
        do {
            app.databases.use(try .postgres(url: url), as: .psql)
            guard let sql = app.db as? any SQLDatabase else { throw TestFailure("not SQL") }
            try await body(sql)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
