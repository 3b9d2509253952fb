import Foundation

/// A service's answer to a request that may carry an idempotency key: the typed outcome, and
/// whether it is the stored outcome of an earlier request with the same key (a replay).
public struct Idempotent<Outcome: Sendable>: Sendable {
    public let outcome: Outcome
    public let replayed: Bool

    public init(_ outcome: Outcome, replayed: Bool) {
        self.outcome = outcome
        self.replayed = replayed
    }
}

/// The outcome of a request that made something new.
public struct Created<Value: Sendable & Codable & Equatable>: Sendable, Codable, Equatable {
    public let value: Value

    public init(_ value: Value) {
        self.value = value
    }
}

/// What a caller sends with an idempotent request: the key, and a fingerprint of what it was
/// sent with (the API hashes method, path and body), so reusing the key for anything else is
/// refused. The service adds who sent it.
public struct IdempotencyCall: Sendable {
    public let key: IdempotencyKey
    public let fingerprint: String

    public init(key: IdempotencyKey, fingerprint: String) {
        self.key = key
        self.fingerprint = fingerprint
    }
}

/// What happened to a key, for the `idempotency_requests_total` metric (`invalid`: a malformed
/// key, refused by the caller before any service saw it).
public enum IdempotencyEvent: String, Sendable, CaseIterable {
    case started, replayed, reused, invalid
    case inProgress = "in_progress"
}
