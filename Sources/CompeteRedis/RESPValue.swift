import NIOCore

/// One value of the Redis serialization protocol, version 2 (RESP2).
///
/// RESP2 has two distinct nulls — the null bulk string (`$-1`) and the null array (`*-1`) — and
/// both are kept so a value survives a decode/encode round trip unchanged; ``isNull`` treats them
/// alike for callers that do not care.
public enum RESPValue: Sendable, Hashable {
    /// `+OK` — a short status reply.
    case simpleString(String)
    /// `-ERR …` — an error reply. `RedisClient.send` throws these as ``RedisError/server(_:)``;
    /// `RedisClient.pipeline` returns them in place so one failed command does not hide the rest.
    case error(String)
    /// `:42`
    case integer(Int)
    /// `$5\r\nhello` — binary-safe bytes; `nil` is the null bulk string.
    case bulkString(ByteBuffer?)
    /// `*2\r\n…` — possibly nested; `nil` is the null array.
    case array([RESPValue]?)

    /// Builds a bulk string from UTF-8 text.
    public static func bulkString(_ text: String) -> RESPValue {
        .bulkString(ByteBuffer(string: text))
    }

    /// The text of a simple string or of a bulk string decoded as UTF-8 (invalid sequences are
    /// replaced); the decimal form of an integer; otherwise `nil`.
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let buffer?): String(buffer: buffer)
        case .integer(let number): String(number)
        case .error, .bulkString(nil), .array: nil
        }
    }

    /// The bytes of a bulk string (or of a simple string's UTF-8); `nil` otherwise.
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let buffer?): Array(buffer.readableBytesView)
        case .simpleString(let text): Array(text.utf8)
        default: nil
        }
    }

    /// An integer reply, or a simple/bulk string holding a decimal integer (Redis returns numbers
    /// as bulk strings from GET and from scripts returning strings).
    public var int: Int? {
        switch self {
        case .integer(let number): number
        case .simpleString, .bulkString(_?): string.flatMap { Int($0) }
        default: nil
        }
    }

    /// The elements of a non-null array.
    public var array: [RESPValue]? {
        if case .array(let elements?) = self { return elements }
        return nil
    }

    /// True for the null bulk string and the null array.
    public var isNull: Bool {
        switch self {
        case .bulkString(nil), .array(nil): true
        default: false
        }
    }

    /// The message of an error reply; `nil` for every other value.
    public var error: String? {
        if case .error(let message) = self { return message }
        return nil
    }
}

extension RESPValue: CustomStringConvertible {
    /// A redis-cli-like rendering for logs and test failures; long bulk strings are abbreviated.
    public var description: String {
        switch self {
        case .simpleString(let text): return text
        case .error(let message): return "(error) \(message)"
        case .integer(let number): return "(integer) \(number)"
        case .bulkString(nil), .array(nil): return "(nil)"
        case .bulkString(let buffer?):
            guard buffer.readableBytes <= 256 else { return "(\(buffer.readableBytes) bytes)" }
            return "\"\(String(buffer: buffer))\""
        case .array(let elements?):
            return "[" + elements.map(\.description).joined(separator: ", ") + "]"
        }
    }
}
