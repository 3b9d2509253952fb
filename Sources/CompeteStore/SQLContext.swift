import CompeteCore
import FluentKit
import FluentSQLiteDriver
import Foundation
import Metrics
import NIOConcurrencyHelpers
import NIOPosix
import SQLKit

/// The database handle every SQL store shares, with an explicit transaction helper.
public struct SQLContext: Sendable {
    /// One handle per event loop on PostgreSQL: each loop has a connection pool of its own, and
    /// a handle reaches only its loop's pool, so a statement takes the pool of the loop its task
    /// runs on (or, off the loops, the next one in turn). One
    /// on SQLite: a second pooled connection writing (a key claim, a queue update) would wait
    /// for the writer's lock on a thread-pool thread, and two of them took both threads the
    /// writer needs to finish — a deadlock until the pool's timeout (seen in TeamStormTests).
    private let databases: [any Database]
    private let turn = NIOLockedValueBox(0)
    let flavor: SQLFlavor
    /// SQLite admits one writer at a time: transactions queue for the writer's own connection
    /// (see `SQLiteWriter`). Nil on PostgreSQL, and for contexts made without one (tests), whose
    /// transactions take a pooled connection and rely on SQLite's own locking.
    private let writer: SQLiteWriter?
    /// Serving from the start on SQLite (this process is the only writer); on PostgreSQL only
    /// while `CatalogFeed` hears the other instances.
    let catalog: CatalogVersion
    /// PostgreSQL: tells the other instances about this one's writes.
    let notifier: CatalogNotifier?

    public init(database: any Database, sqliteWriter: SQLiteWriter? = nil) {
        self.init(databases: [database], sqliteWriter: sqliteWriter)
    }

    /// `databases`: the same database on each event loop (`Databases.database(on:)` per loop),
    /// never empty.
    public init(databases: [any Database], sqliteWriter: SQLiteWriter? = nil) {
        precondition(!databases.isEmpty, "a database is needed")
        self.flavor = SQLFlavor(Self.sql(databases[0]))
        self.databases = flavor == .sqlite ? [databases[0]] : databases
        self.writer = flavor == .sqlite ? sqliteWriter : nil
        self.catalog = CatalogVersion(serving: flavor == .sqlite)
        self.notifier = flavor == .postgres ? CatalogNotifier(sql: Self.sql(databases[0]), logger: databases[0].logger) : nil
    }

    /// The handle of the event loop this task runs on, so the statement's I/O stays on this
    /// thread (the executable runs tasks on the event loops, `MiniCompeteMain`); elsewhere (a
    /// task on Swift's own pool, as in tests) the next loop's, in turn.
    var database: any Database {
        guard databases.count > 1 else { return databases[0] }
        if let current = MultiThreadedEventLoopGroup.currentEventLoop,
           let here = databases.first(where: { $0.eventLoop === current }) {
            return here
        }
        return databases[turn.withLockedValue { turn in
            turn = (turn + 1) % databases.count
            return turn
        }]
    }

    /// Moves on after every write of this process that may change a competition or its counts,
    /// and on PostgreSQL also when another instance says it wrote (`CatalogFeed`), which alone
    /// lets it serve there.
    public var catalogVersion: CatalogVersion { catalog }

    /// A write that may have changed a competition or its counts has ended, whichever way: this
    /// process's answers computed before are not served again, and on PostgreSQL the other
    /// instances are told (after the commit, never inside the transaction: `CatalogNotifier`).
    func competitionsChanged() {
        catalog.advance()
        notifier?.changed()
    }

    /// Sends the notification still owed to the other instances; the application calls this
    /// when it shuts down, before the database connections close.
    public func finishNotifying() async {
        await notifier?.shutdown()
    }

    var sql: any SQLDatabase { Self.sql(database) }

    /// Runs `body` on one connection inside BEGIN … COMMIT, rolling back if it throws.
    /// `touchingCompetitions`: the body may change a competition or its counts; the catalog
    /// version moves on when the transaction has ended, whichever way.
    func transaction<T: Sendable>(
        touchingCompetitions: Bool = false, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        defer { if touchingCompetitions { competitionsChanged() } }
        guard let writer else { return try await run(body) }
        // Every writer queued behind this one waits for it, so its steps go ahead of request
        // work waiting for the same threads (measured in docs/benchmarks.md).
        let begin = flavor.begin
        return try await Task(priority: .high) {
            let connection = try await writer.acquire()
            do {
                let result = try await Self.inTransaction(connection.sql(), begin: begin, body) {
                    // Possibly still inside the transaction: every later BEGIN would fail on it.
                    await writer.close()
                }
                await writer.release()
                return result
            } catch {
                await writer.release()
                throw error
            }
        }.value
    }

    /// Connections held by transactions right now (exported as a gauge).
    private static let transactionsInFlight = Meter(label: "db_transactions_in_flight")

    private func run<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await database.withConnection { connection in
            try await Self.inTransaction(Self.sql(connection), begin: flavor.begin, body)
        }
    }

    private static func inTransaction<T: Sendable>(
        _ sql: any SQLDatabase, begin: String, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T,
        rollbackFailed: @Sendable () async -> Void = {}
    ) async throws -> T {
        transactionsInFlight.increment()
        defer { transactionsInFlight.decrement() }
        try await sql.raw("\(unsafeRaw: begin)").run()
        do {
            let result = try await body(sql)
            try await sql.raw("COMMIT").run()
            return result
        } catch {
            do { try await sql.raw("ROLLBACK").run() } catch { await rollbackFailed() }
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
