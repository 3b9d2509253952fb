import Foundation

/// The databases the integration tests run against. SQLite always; PostgreSQL when
/// `TEST_POSTGRES_URL` names a server whose user may create databases (scripts/test starts one).
enum Backend: String, Sendable, CustomStringConvertible {
    case sqlite
    case postgres
    /// PostgreSQL with Redis for idempotency locks and login throttling: the scale-out shape.
    case postgresRedis = "postgres+redis"

    var description: String { rawValue }

    var usesRedis: Bool { self == .postgresRedis }

    static let redisURL: String? = ProcessInfo.processInfo.environment["TEST_REDIS_URL"].flatMap { $0.isEmpty ? nil : $0 }

    static let postgresAdminURL: String? = ProcessInfo.processInfo.environment["TEST_POSTGRES_URL"]
        .flatMap { $0.isEmpty ? nil : $0 }

    /// Every backend available here; PostgreSQL cases are absent (and reported by
    /// `PostgresAvailabilityTests`) when no server is configured.
    static let all: [Backend] = [.sqlite]
        + (postgresAdminURL == nil ? [] : [.postgres])
        + (postgresAdminURL == nil || redisURL == nil ? [] : [.postgresRedis])
}
