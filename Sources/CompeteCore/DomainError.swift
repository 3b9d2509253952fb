import Foundation

/// A field-level validation problem, reported to clients as `{"field": ..., "message": ...}`.
public struct FieldError: Sendable, Equatable, Codable {
    public let field: String
    public let message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}

/// Every failure the domain can report. Carries no HTTP: the API layer maps each case to a
/// status code and a stable `code` string.
public enum DomainError: Error, Sendable, Equatable {
    case validation([FieldError])
    case emailTaken
    case invalidCredentials
    case rateLimited(retryAfterSeconds: Int)
    case unauthenticated
    case forbidden(String)
    case notFound
    case alreadyRegistered
    case competitionFull
    case registrationClosed
    /// Registration opens at `opensAt` (said in the competition's `timeZone` too).
    case registrationNotOpen(opensAt: Date, timeZone: TimeZoneName)
    case notRegistered
    case capacityBelowRegistered(registered: Int)
    /// A change to the questions would invalidate answers already given (the reason says which).
    case questionsLocked(String)
    /// An approval or decline of a registration that is no longer waiting for one.
    case registrationNotPending
    case idempotencyKeyInvalid
    case idempotencyKeyReused
    case idempotencyRequestInProgress(retryAfterSeconds: Int)
    /// A dependency this request needs (Redis) is down; retrying later will work.
    case temporarilyUnavailable(retryAfterSeconds: Int)

    /// Shorthand for a single-field validation failure.
    public static func invalid(_ field: String, _ message: String) -> DomainError {
        .validation([FieldError(field, message)])
    }
}
