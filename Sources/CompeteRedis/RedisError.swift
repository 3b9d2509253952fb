/// Everything the Redis client throws.
///
/// The cases separate what a caller can act on: ``server(_:)`` is Redis refusing the command
/// (retrying will not help), ``timeout(_:)`` and ``connection(_:)`` mean the command's outcome is
/// unknown (it may or may not have run), and the rest are programming or configuration mistakes.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An error reply from Redis, e.g. `WRONGTYPE Operation against a key holding the wrong kind
    /// of value` or `NOAUTH Authentication required.`
    case server(String)
    /// No reply within the configured command timeout. The connection is closed, because a late
    /// reply would otherwise be taken as the answer to the next command.
    case timeout(String)
    /// Connecting failed, or the connection was lost before the reply was complete.
    case connection(String)
    /// The bytes from the server are not valid RESP2; the connection is closed.
    case protocolViolation(String)
    /// A reply of a type the typed helper did not expect (e.g. an array where an integer belongs).
    case unexpectedReply(command: String, reply: RESPValue)
    /// The command cannot be sent, e.g. it is empty (Redis would silently ignore it and the caller
    /// would wait for a reply that never comes).
    case invalidCommand(String)
    /// `REDIS_URL`, `REDIS_HOST`, … or the values passed to ``RedisConfiguration`` are invalid.
    case invalidConfiguration(String)
    /// The client or connection was closed by its owner.
    case closed

    /// A one-line message for logs and problem details.
    public var description: String {
        switch self {
        case .server(let message): "Redis replied with an error: \(message)"
        case .timeout(let message): "Redis command timed out: \(message)"
        case .connection(let message): "Redis connection failed: \(message)"
        case .protocolViolation(let message): "Redis sent malformed RESP: \(message)"
        case .unexpectedReply(let command, let reply): "Redis \(command) returned an unexpected reply: \(reply)"
        case .invalidCommand(let message): "Invalid Redis command: \(message)"
        case .invalidConfiguration(let message): "Invalid Redis configuration: \(message)"
        case .closed: "The Redis client is closed"
        }
    }
}
