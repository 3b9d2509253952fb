/// Where Redis is and how the client uses it. Immutable, so a value that passed validation
/// stays valid.
///
/// Read it from the environment with ``fromEnvironment(_:)`` or from a URL with ``init(url:)``;
/// both validate every value, so a typo fails at start-up with a message naming the variable
/// instead of surfacing later as a connection error.
public struct RedisConfiguration: Sendable, Equatable {
    /// Host name or IP address.
    public let host: String
    /// TCP port, 6379 by default.
    public let port: Int
    /// ACL user for `AUTH user password` (Redis 6+); `nil` authenticates as the default user.
    public let username: String?
    /// Sent with AUTH on every new connection when set.
    public let password: String?
    /// Logical database chosen with SELECT on every new connection (when not 0).
    public let database: Int
    /// Connections kept by ``RedisClient``. Each one pipelines many commands, so a handful
    /// serves many concurrent requests.
    public let poolSize: Int
    /// Bound on establishing the TCP connection (AUTH and SELECT count as commands).
    public let connectTimeout: Duration
    /// Bound on waiting for a command's reply. A command that exceeds it fails with
    /// ``RedisError/timeout(_:)`` and its connection is closed.
    public let commandTimeout: Duration

    /// Redis's standard port.
    public static let defaultPort = 6379
    /// Enough for an API instance: each connection pipelines, so this bounds sockets, not
    /// concurrency.
    public static let defaultPoolSize = 4
    /// Generous for a local network; a connect that needs longer is failing.
    public static let defaultConnectTimeout: Duration = .seconds(5)
    /// The commands the application uses are O(1) or O(log n); one that needs seconds means
    /// Redis is stuck, and failing lets the request fail instead of hanging.
    public static let defaultCommandTimeout: Duration = .seconds(5)

    /// Validates the values; throws ``RedisError/invalidConfiguration(_:)`` naming the bad one.
    public init(
        host: String,
        port: Int = RedisConfiguration.defaultPort,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        poolSize: Int = RedisConfiguration.defaultPoolSize,
        connectTimeout: Duration = RedisConfiguration.defaultConnectTimeout,
        commandTimeout: Duration = RedisConfiguration.defaultCommandTimeout
    ) throws {
        guard !host.isEmpty else { throw RedisError.invalidConfiguration("host must not be empty") }
        guard (1...65535).contains(port) else {
            throw RedisError.invalidConfiguration("port must be in 1...65535; got \(port)")
        }
        guard database >= 0 else {
            throw RedisError.invalidConfiguration("database index must be 0 or more; got \(database)")
        }
        guard (1...256).contains(poolSize) else {
            throw RedisError.invalidConfiguration("pool size must be in 1...256; got \(poolSize)")
        }
        guard connectTimeout > .zero, commandTimeout > .zero else {
            throw RedisError.invalidConfiguration("timeouts must be positive")
        }
        if username != nil, password == nil {
            throw RedisError.invalidConfiguration("a username needs a password")
        }
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.poolSize = poolSize
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }
}

extension RedisConfiguration: CustomStringConvertible {
    /// The URL form without the password, safe to log.
    public var description: String {
        let credentials = password == nil ? "" : "\(username ?? ""):***@"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "redis://\(credentials)\(hostPart):\(port)/\(database)"
    }
}
