import SQLKit

/// The few places where SQLite and PostgreSQL spell things differently. Every other statement
/// in this module is written once, in SQL both understand.
enum SQLFlavor: Sendable {
    case sqlite
    case postgres

    init(_ database: any SQLDatabase) {
        self = database.dialect.name == "sqlite" ? .sqlite : .postgres
    }

    var uuidType: String { self == .sqlite ? "TEXT" : "UUID" }
    var timestampType: String { self == .sqlite ? "REAL" : "TIMESTAMPTZ" }
    var blobType: String { self == .sqlite ? "BLOB" : "BYTEA" }

    /// The database's own clock, so deadlines are judged inside the transaction.
    var now: String { self == .sqlite ? "((julianday('now') - 2440587.5) * 86400.0)" : "now()" }

    /// Case-insensitive LIKE.
    var ilike: String { self == .sqlite ? "LIKE" : "ILIKE" }

    /// Row lock for read-modify-write; SQLite's write transactions are already exclusive.
    var forUpdate: String { self == .sqlite ? "" : " FOR UPDATE" }

    /// A row lock that still lets other transactions insert rows referencing this one (their
    /// foreign-key check takes KEY SHARE, which FOR UPDATE would block): for locking a parent
    /// row while a child's lock may be held by a transaction about to insert a reference to it.
    var forNoKeyUpdate: String { self == .sqlite ? "" : " FOR NO KEY UPDATE" }

    /// SQLite must take the write lock at BEGIN, or two readers upgrading to writers deadlock.
    var begin: String { self == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN" }
}
