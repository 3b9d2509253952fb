import FluentKit
import Foundation
import Metrics
import SQLKit

/// The database handle every SQL store shares, with an explicit transaction helper.
public struct SQLContext: Sendable {
    let database: any Database
    let flavor: SQLFlavor
    /// SQLite admits one writer at a time. Queueing writers here, before they take a
    /// connection, keeps them from spinning in SQLite's busy handler (which burns a core) and
    /// leaves the other connections free for reads. Other processes on the same file are still
    /// handled by SQLite's own locking.
    private let writers: WriterQueue?

    public init(database: any Database) {
        self.database = database
        self.flavor = SQLFlavor(Self.sql(database))
        self.writers = flavor == .sqlite ? WriterQueue() : nil
    }

    var sql: any SQLDatabase { Self.sql(database) }

    /// Runs `body` on one connection inside BEGIN … COMMIT, rolling back if it throws.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        guard let writers else { return try await run(body) }
        await writers.acquire()
        do {
            let result = try await run(body)
            await writers.release()
            return result
        } catch {
            await writers.release()
            throw error
        }
    }

    /// Pooled connections held by transactions right now (exported as a gauge).
    private static let transactionsInFlight = Meter(label: "db_transactions_in_flight")

    private func run<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let begin = flavor.begin
        return try await database.withConnection { connection in
            Self.transactionsInFlight.increment()
            defer { Self.transactionsInFlight.decrement() }
            let sql = Self.sql(connection)
            try await sql.raw("\(unsafeRaw: begin)").run()
            do {
                let result = try await body(sql)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// SQLite: write-ahead logging lets readers proceed while one writer commits. The mode is
    /// stored in the database file, so once is enough; PostgreSQL needs nothing.
    public func prepareDatabaseFile() async throws {
        guard flavor == .sqlite else { return }
        _ = try await sql.raw("PRAGMA journal_mode=WAL").all()
    }

    /// Cheap liveness probe for health checks.
    public func ping() async throws {
        _ = try await sql.raw("SELECT 1 AS ok").first()
    }

    static func sql(_ database: any Database) -> any SQLDatabase {
        guard let sql = database as? any SQLDatabase else {
            preconditionFailure("CompeteStore needs an SQL database (SQLite or PostgreSQL)")
        }
        return sql
    }
}

/// A first-come, first-served lock for async code.
actor WriterQueue {
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            held = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
