import Foundation

/// A validated `Idempotency-Key` header value: 1–255 visible ASCII characters, or the RFC 8941
/// quoted form (`"abc"` means `abc`).
public struct IdempotencyKey: Sendable, Hashable {
    public let value: String
    public static let maxLength = 255

    public init(header raw: String) throws {
        var value = raw
        // A leading quote announces the quoted form, which must then be well formed.
        if raw.hasPrefix("\"") {
            guard raw.count >= 2, raw.hasSuffix("\"") else { throw DomainError.idempotencyKeyInvalid }
            value = try Self.unquote(String(raw.dropFirst().dropLast()))
            guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value <= 0x7E }) else {
                throw DomainError.idempotencyKeyInvalid
            }
        } else {
            guard value.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7E }) else {
                throw DomainError.idempotencyKeyInvalid
            }
        }
        guard !value.isEmpty, value.utf8.count <= Self.maxLength else { throw DomainError.idempotencyKeyInvalid }
        self.value = value
    }

    /// RFC 8941 sf-string body: `\"` and `\\` are the only escapes; a bare quote is an error.
    private static func unquote(_ body: String) throws -> String {
        var result = ""
        var escaping = false
        for character in body {
            if escaping {
                guard character == "\"" || character == "\\" else { throw DomainError.idempotencyKeyInvalid }
                result.append(character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else if character == "\"" {
                throw DomainError.idempotencyKeyInvalid
            } else {
                result.append(character)
            }
        }
        guard !escaping else { throw DomainError.idempotencyKeyInvalid }
        return result
    }
}

/// A request that carries an idempotency key: who sent it, the key, and a fingerprint of
/// method + path + body so that reusing the key for something else is detected.
public struct IdempotencyRequest: Sendable {
    public let userId: UUID
    public let key: IdempotencyKey
    public let fingerprint: String

    public init(userId: UUID, key: IdempotencyKey, fingerprint: String) {
        self.userId = userId
        self.key = key
        self.fingerprint = fingerprint
    }
}

/// Proof that this process owns the in-flight key until the lease expires.
public struct IdempotencyLease: Sendable, Equatable {
    public let userId: UUID
    public let key: String
    public let token: UUID
    public let fingerprint: String
    public let startedAt: Date
    /// No pending row in the database stands for this request: the in-flight lock lives in
    /// Redis, or there is none (an `.unclaimed` start). Storing the outcome inserts it rather
    /// than updating a pending row, and that insert is what claims the key.
    public let external: Bool

    public init(userId: UUID, key: String, token: UUID, fingerprint: String = "", startedAt: Date = Date(), external: Bool = false) {
        self.userId = userId
        self.key = key
        self.token = token
        self.fingerprint = fingerprint
        self.startedAt = startedAt
        self.external = external
    }
}

/// A finished outcome as stored for replay.
public struct IdempotencyOutcome: Sendable, Equatable {
    public let fingerprint: String
    public let outcome: StoredOutcome
    public let createdAt: Date

    public init(fingerprint: String, outcome: StoredOutcome, createdAt: Date) {
        self.fingerprint = fingerprint
        self.outcome = outcome
        self.createdAt = createdAt
    }
}

/// A service's typed outcome as the idempotency record keeps it: the value itself, encoded, so
/// that a replay hands every caller (the API, the web UI) the same value the first request got,
/// and each renders it as it renders a fresh one. Nothing here knows HTTP.
public struct StoredOutcome: Sendable, Equatable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Encodes an outcome for storage; `decode` gives back an equal value (dates exactly).
    public init(_ outcome: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        bytes = Array(try encoder.encode(outcome))
    }

    public func decode<Outcome: Decodable>(_ type: Outcome.Type) throws -> Outcome {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}

public enum IdempotencyStart: Sendable, Equatable {
    /// No earlier outcome: run the request under this lease.
    case started(IdempotencyLease)
    /// The same request already finished: answer with its stored outcome.
    case replay(StoredOutcome)
    /// The key was not read and nothing was written: run the request; its transaction claims
    /// the key together with the outcome (the lease is `external`). If the key was used before
    /// (or another request claimed it meanwhile), storing fails with
    /// `idempotencyRequestInProgress` and the work rolls back; `begin` then tells what the key
    /// holds.
    case unclaimed(IdempotencyLease)
}

/// Timing rules for idempotency records.
public struct IdempotencyPolicy: Sendable {
    /// How long an in-flight request holds its key before a retry may take over.
    public var lease: TimeInterval
    /// How long finished outcomes are kept for replay.
    public var retention: TimeInterval

    public init(lease: TimeInterval = 30, retention: TimeInterval = 24 * 3600) {
        self.lease = lease
        self.retention = retention
    }
}
