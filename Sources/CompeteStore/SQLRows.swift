import SQLKit

/// Multi-row INSERTs for writes of many rows at once (a batch of registrations and what goes
/// with them).
enum SQLRows {
    /// Rows per statement: far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters
    /// with the widest rows written this way (eight values).
    static let perStatement = 500

    /// `INSERT INTO <target> VALUES <rows>`, in order, in as few statements as the bound allows;
    /// `target` is the table and its column list, `rows` each `(…)`. Nothing for no rows.
    static func insert(into target: String, _ rows: [SQLQueryString], on sql: any SQLDatabase) async throws {
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            try await sql.raw("INSERT INTO \(unsafeRaw: target) VALUES \(chunk.joined(separator: ", "))").run()
            start += chunk.count
        }
    }
}
