import CompeteCore
import FluentKit
import FluentSQLiteDriver
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
    private let catalog = CatalogVersion()

    public init(database: any Database) {
        self.database = database
        self.flavor = SQLFlavor(Self.sql(database))
        self.writers = flavor == .sqlite ? WriterQueue() : nil
    }

    /// Moves on after every transaction that says it touches competitions. Nil on PostgreSQL:
    /// other instances write there too, and this process cannot see their writes.
    public var catalogVersion: CatalogVersion? { flavor == .sqlite ? catalog : nil }

    var sql: any SQLDatabase { Self.sql(database) }

    /// Runs `body` on one connection inside BEGIN … COMMIT, rolling back if it throws.
    /// `touchingCompetitions`: the body may change a competition or its counts; the catalog
    /// version moves on when the transaction has ended, whichever way.
    func transaction<T: Sendable>(
        touchingCompetitions: Bool = false, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        defer { if touchingCompetitions { catalog.advance() } }
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
        // SQLite: the statements go straight to the connection. Through Fluent's pooled database
        // each one would be a job on the thread pool whose result (and every row) hops to the
        // event loop and then to the task; the connection's own async API resumes the task
        // directly, and the writer holds SQLite's lock that much shorter (docs/benchmarks.md).
        if let sqlite = database as? any SQLiteDatabase {
            return try await sqlite.withConnection { (connection: SQLiteConnection) async throws -> T in
                try await Self.inTransaction(connection.sql(), begin: flavor.begin, body)
            }
        }
        return try await database.withConnection { connection in
            try await Self.inTransaction(Self.sql(connection), begin: flavor.begin, body)
        }
    }

    private static func inTransaction<T: Sendable>(
        _ sql: any SQLDatabase, begin: String, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        transactionsInFlight.increment()
        defer { transactionsInFlight.decrement() }
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
