import Foundation

/// The databases the integration tests run against. SQLite always; PostgreSQL when
/// `TEST_POSTGRES_URL` names a server whose user may create databases (scripts/test starts one).
enum Backend: String, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    var description: String { rawValue }

    static let postgresAdminURL: String? = ProcessInfo.processInfo.environment["TEST_POSTGRES_URL"]
        .flatMap { $0.isEmpty ? nil : $0 }

    /// Every backend available here; PostgreSQL cases are absent (and reported by
    /// `PostgresAvailabilityTests`) when no server is configured.
    static let all: [Backend] = postgresAdminURL == nil ? [.sqlite] : [.sqlite, .postgres]
}
