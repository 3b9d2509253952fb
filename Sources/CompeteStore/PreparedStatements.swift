import FluentPostgresDriver
import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit

extension SQLDatabase {
    /// Runs `query` and returns its rows. On PostgreSQL as a named prepared statement, so the
    /// server parses it once per connection instead of on every request (SQLKit's `raw` sends
    /// unnamed statements; measured in docs/benchmarks.md); elsewhere, and for a statement with
    /// a nil bind or one PostgresNIO cannot encode directly, exactly as `raw(query).all()`.
    ///
    /// For hot statements that run autocommitted on the pool. Inside a transaction it works too,
    /// but a first use after a failed statement there fails (25P02) like any other statement.
    func prepared(_ query: SQLQueryString) async throws -> [any SQLRow] {
        guard let postgres = self as? any PostgresDatabase else { return try await raw(query).all() }
        let (text, binds) = serialize(query)
        guard let statement = PreparedStatements.Statement(text: text, binds: binds) else {
            return try await raw(query).all()
        }
        return try await PreparedStatements.shared.run(statement, on: postgres)
    }
}

/// The process's names for prepared statements, and the one way they are executed.
///
/// Which connection has prepared what is PostgresNIO's business: each connection's channel
/// handler remembers the names it prepared and prepares a name on its first use there. A
/// connection that the pool opens anew (after a dropped connection or a restarted server) starts
/// with nothing prepared, so no name is ever sent to a connection that has not prepared it.
///
/// Schema changes: migrations run before the server serves (`mini-compete migrate`, and
/// `MiniCompete.migrate` before booting), so no statement is prepared against an older schema by
/// this process. PostgreSQL re-plans a prepared statement after DDL by itself; what it refuses is
/// a changed result type (0A000, e.g. another instance migrating while this one serves), and a
/// name it does not know (26000). Both fail before the statement runs: the text gets a new name,
/// prepared afresh on every connection, and the statement is run once more.
final class PreparedStatements: Sendable {
    static let shared = PreparedStatements(capacity: 128)

    /// A statement's text and the PostgreSQL types of its binds: PostgresNIO prepares a name with
    /// the types of its first binds, so the same text with other types needs another name.
    struct Key: Hashable, Sendable {
        let text: String
        let types: [UInt32]
    }

    struct Statement: Sendable {
        let key: Key
        let bindings: PostgresBindings

        /// Nil when a bind is nil or not of a type PostgresNIO encodes itself: such a statement
        /// runs as `raw` sends it (a typed NULL, the JSON fallback), unprepared.
        init?(text: String, binds: [any Encodable & Sendable]) {
            var bindings = PostgresBindings(capacity: binds.count)
            var types: [UInt32] = []
            types.reserveCapacity(binds.count)
            for bind in binds {
                guard let type = Self.append(bind, to: &bindings) else { return nil }
                types.append(type)
            }
            self.key = Key(text: text, types: types)
            self.bindings = bindings
        }

        /// As PostgresKit binds a value of such a type (its own PostgreSQL encoding), so the
        /// statement means what `raw` would send. A nil optional fails the cast.
        private static func append<T: Encodable>(_ value: T, to bindings: inout PostgresBindings) -> UInt32? {
            guard let encodable = value as? any PostgresThrowingDynamicTypeEncodable,
                  (try? bindings.append(encodable)) != nil else { return nil }
            return encodable.psqlType.rawValue
        }
    }

    /// Distinct texts this process prepares, at most `capacity` (the list query's filters make a
    /// few shapes; anything beyond the bound runs unnamed rather than growing every backend).
    private let capacity: Int
    private let names = NIOLockedValueBox<(byKey: [Key: String], issued: Int)>(([:], 0))

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The name for `key`; a new one after `retire`. Nil when the bound is reached.
    func name(for key: Key) -> String? {
        names.withLockedValue { state in
            if let name = state.byKey[key] { return name }
            guard state.byKey.count < capacity else { return nil }
            state.issued += 1
            let name = "mc_\(state.issued)"
            state.byKey[key] = name
            return name
        }
    }

    /// Forgets `name` for `key`: the next use prepares the text under a fresh name.
    private func retire(_ name: String, for key: Key) {
        names.withLockedValue { state in
            if state.byKey[key] == name { state.byKey[key] = nil }
        }
    }

    func run(_ statement: Statement, on postgres: any PostgresDatabase) async throws -> [any SQLRow] {
        guard let name = name(for: statement.key) else {
            return try await unnamed(statement, on: postgres)
        }
        do {
            return try await execute(statement, as: name, on: postgres)
        } catch let error as PSQLError {
            guard let state = error.serverInfo?[.sqlState], Self.renamingStates.contains(state) else { throw error }
            retire(name, for: statement.key)
            // In a failed transaction (25P02) running again cannot help; the others never ran.
            guard state != "25P02", let fresh = self.name(for: statement.key) else { throw error }
            return try await execute(statement, as: fresh, on: postgres)
        }
    }

    /// 0A000: the result type changed under the statement; 26000: the server does not know the
    /// name; 25P02: the name's preparation ran in a failed transaction, and PostgresNIO would
    /// answer that failure again for every later use of the name on that connection.
    private static let renamingStates: Set<String> = ["0A000", "26000", "25P02"]

    private func execute(_ statement: Statement, as name: String, on postgres: any PostgresDatabase) async throws -> [any SQLRow] {
        postgres.logger.debug("Executing prepared statement", metadata: ["name": .string(name), "sql": .string(statement.key.text)])
        let connection = try await Self.lease(from: postgres)
        defer { connection.release() }
        let rows = try await Named.$current.withValue(Named.Text(name: name, sql: statement.key.text)) {
            var rows: [PostgresRow] = []
            for try await row in try await connection.connection.execute(Named(bindings: statement.bindings), logger: postgres.logger) {
                rows.append(row)
            }
            return rows
        }
        return rows.map(PreparedRow.init)
    }

    /// A pooled connection held by this task until `release`.
    private struct Lease {
        let connection: PostgresConnection
        let released: EventLoopPromise<Void>

        func release() { released.succeed(()) }
    }

    /// Takes a connection out of the pool for the calling task: the pool's closure-shaped
    /// `withConnection` keeps it until the returned lease is released. PostgresNIO's prepared
    /// statements are async only; running them here instead of in a task started inside the
    /// closure saves two thread hand-overs per statement.
    private static func lease(from postgres: any PostgresDatabase) async throws -> Lease {
        let released = postgres.eventLoop.makePromise(of: Void.self)
        return try await withCheckedThrowingContinuation { continuation in
            postgres.withConnection { connection in
                continuation.resume(returning: Lease(connection: connection, released: released))
                return released.futureResult
            }.whenFailure { error in
                // Only a failure to get a connection: once the closure ran, the future is
                // `released`, which never fails.
                continuation.resume(throwing: error)
            }
        }
    }

    private func unnamed(_ statement: Statement, on postgres: any PostgresDatabase) async throws -> [any SQLRow] {
        let query = PostgresQuery(unsafeSQL: statement.key.text, binds: statement.bindings)
        return try await postgres.withConnection { connection in
            connection.query(query, logger: connection.logger).map { $0.rows }
        }.get().map(PreparedRow.init)
    }
}

/// PostgresNIO's prepared statements name their text in static members (one Swift type per
/// statement); ours are known at run time, so the type reads them from a task-local value that
/// `execute` binds around the call (PostgresNIO reads both in the calling task, before sending).
private struct Named: PostgresPreparedStatement {
    struct Text: Sendable {
        let name: String
        let sql: String
    }

    @TaskLocal static var current = Text(name: "", sql: "")
    static var name: String { current.name }
    static var sql: String { current.sql }

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }

    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

/// A row of `prepared` on PostgreSQL: read by column name as SQLKit reads any row, or by
/// position through PostgresNIO (`postgres`), which skips the `Codable` machinery for rows read
/// many at a time (the list's competitions).
struct PreparedRow: SQLRow {
    let postgres: PostgresRow
    private let columns: any SQLRow

    init(_ row: PostgresRow) {
        postgres = row
        columns = row.sql()
    }

    var allColumns: [String] { columns.allColumns }

    func contains(column: String) -> Bool { columns.contains(column: column) }

    func decodeNil(column: String) throws -> Bool { try columns.decodeNil(column: column) }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D { try columns.decode(column: column, as: type) }
}
