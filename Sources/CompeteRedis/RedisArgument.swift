import NIOCore

/// One element of a command as sent to Redis: a binary-safe bulk string.
///
/// String literals, interpolations and integer literals convert implicitly, so
/// `client.send("SET", "user:\(id)", "x")` reads naturally; text held in a variable goes through
/// `RedisArgument(text)`, and binary data through `RedisArgument(bytes)` or a `ByteBuffer`.
public struct RedisArgument: Sendable, Hashable, ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral {
    /// The exact bytes sent; never interpreted or re-encoded.
    public let buffer: ByteBuffer

    /// UTF-8 text.
    public init(_ text: String) {
        self.buffer = ByteBuffer(string: text)
    }

    /// Arbitrary bytes, e.g. a serialized payload with NUL bytes.
    public init(_ bytes: [UInt8]) {
        self.buffer = ByteBuffer(bytes: bytes)
    }

    /// The readable bytes of a buffer.
    public init(_ buffer: ByteBuffer) {
        self.buffer = buffer
    }

    /// The decimal form of an integer, as Redis expects for counts, TTLs and indexes.
    public init(_ number: Int) {
        self.buffer = ByteBuffer(string: String(number))
    }

    /// The shortest decimal form that reads back as the same `Double` (`inf` and `-inf` included),
    /// as Redis expects for sorted-set scores.
    public init(_ number: Double) {
        self.buffer = ByteBuffer(string: number.description)
    }

    /// `"GET"`, `"user:\(id)"`: literals and interpolations are UTF-8 text.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// `42`: integer literals are sent in decimal.
    public init(integerLiteral value: Int) {
        self.init(value)
    }
}

extension RedisArgument: CustomStringConvertible {
    /// The argument as text when short, for logs; binary content is not escaped.
    public var description: String {
        buffer.readableBytes <= 64 ? String(buffer: buffer) : "(\(buffer.readableBytes) bytes)"
    }
}
