import Foundation

extension RedisConfiguration {
    /// Reads the Redis settings from an environment dictionary; `nil` means Redis is disabled.
    ///
    /// Either `REDIS_URL` (`redis://[[user]:password@]host[:port][/db]`) or `REDIS_HOST` with
    /// optional `REDIS_PORT`, `REDIS_PASSWORD` and `REDIS_DB` — not both, because two sources of
    /// truth that disagree would be resolved silently. `REDIS_POOL_SIZE`,
    /// `REDIS_CONNECT_TIMEOUT_MS` and `REDIS_COMMAND_TIMEOUT_MS` apply to either form. Empty
    /// values count as unset. Throws ``RedisError/invalidConfiguration(_:)`` naming the variable.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> RedisConfiguration? {
        let env = environment.filter { $0.key.hasPrefix("REDIS_") && !$0.value.isEmpty }
        let separateKeys = ["REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_DB"].filter { env[$0] != nil }
        let poolSize = try number(env, "REDIS_POOL_SIZE", default: defaultPoolSize, in: 1...256)
        let connectTimeout = try milliseconds(env, "REDIS_CONNECT_TIMEOUT_MS", default: defaultConnectTimeout)
        let commandTimeout = try milliseconds(env, "REDIS_COMMAND_TIMEOUT_MS", default: defaultCommandTimeout)

        if let url = env["REDIS_URL"] {
            guard separateKeys.isEmpty else {
                throw RedisError.invalidConfiguration(
                    "REDIS_URL is set together with \(separateKeys.joined(separator: ", ")); set one or the other")
            }
            return try RedisConfiguration(url: url, poolSize: poolSize,
                                          connectTimeout: connectTimeout, commandTimeout: commandTimeout)
        }
        guard let host = env["REDIS_HOST"] else {
            if let stray = separateKeys.first {
                throw RedisError.invalidConfiguration("\(stray) is set but REDIS_HOST is not")
            }
            return nil
        }
        return try RedisConfiguration(
            host: host,
            port: try number(env, "REDIS_PORT", default: defaultPort, in: 1...65535),
            password: env["REDIS_PASSWORD"],
            database: try number(env, "REDIS_DB", default: 0, in: 0...Int(Int32.max)),
            poolSize: poolSize, connectTimeout: connectTimeout, commandTimeout: commandTimeout)
    }

    /// Parses `redis://[[user]:password@]host[:port][/db]`; user and password may be
    /// percent-encoded. Error messages never repeat the URL, which may hold a password.
    public init(
        url: String,
        poolSize: Int = RedisConfiguration.defaultPoolSize,
        connectTimeout: Duration = RedisConfiguration.defaultConnectTimeout,
        commandTimeout: Duration = RedisConfiguration.defaultCommandTimeout
    ) throws {
        func invalid(_ problem: String) -> RedisError {
            .invalidConfiguration("Redis URL \(problem) (expected redis://[[user]:password@]host[:port][/db])")
        }
        guard let schemeEnd = url.range(of: "://") else { throw invalid("has no scheme") }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "redis" else {
            throw scheme == "rediss" ? invalid("asks for TLS (rediss://), which is not supported")
                                     : invalid("has scheme '\(scheme)' instead of redis")
        }
        var rest = url[schemeEnd.upperBound...]

        // The last @ ends the credentials, so a password may contain @ unencoded.
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            guard let colon = credentials.firstIndex(of: ":") else {
                throw invalid("has credentials without ':' (write :password@ or user:password@)")
            }
            guard let user = credentials[..<colon].removingPercentEncoding,
                  let secret = credentials[credentials.index(after: colon)...].removingPercentEncoding
            else { throw invalid("has invalid percent-encoding in its credentials") }
            username = user.isEmpty ? nil : user
            password = secret.isEmpty ? nil : secret
        }
        guard !rest.contains("?"), !rest.contains("#") else {
            throw invalid("has a query or fragment, which is not supported")
        }

        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let path = rest[slash...].dropFirst()
        let (host, portText) = try Self.splitHostPort(rest[..<slash], invalid: invalid)
        guard !host.isEmpty else { throw invalid("has no host") }
        var port = Self.defaultPort
        if let portText {
            guard let parsed = Int(portText), (1...65535).contains(parsed) else {
                throw invalid("has port '\(portText)', not a number in 1...65535")
            }
            port = parsed
        }
        var database = 0
        if !path.isEmpty {
            guard let parsed = Int(path), parsed >= 0 else {
                throw invalid("has database '\(path)', not a whole number of 0 or more")
            }
            database = parsed
        }
        try self.init(host: String(host), port: port, username: username, password: password,
                      database: database, poolSize: poolSize,
                      connectTimeout: connectTimeout, commandTimeout: commandTimeout)
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port`.
    private static func splitHostPort(
        _ text: Substring, invalid: (String) -> RedisError
    ) throws -> (host: Substring, port: Substring?) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid("has an unclosed [") }
            let host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.isEmpty { return (host, nil) }
            guard after.hasPrefix(":") else { throw invalid("has text after ]") }
            return (host, after.dropFirst())
        }
        let pieces = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        if pieces.count == 2, pieces[1].contains(":") {
            throw invalid("has an IPv6 address without [ ]")
        }
        return (pieces.first ?? "", pieces.count == 2 ? pieces[1] : nil)
    }

    private static func number(_ env: [String: String], _ name: String, default value: Int,
                               in range: ClosedRange<Int>) throws -> Int {
        guard let raw = env[name] else { return value }
        guard let parsed = Int(raw), range.contains(parsed) else {
            throw RedisError.invalidConfiguration(
                "\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound); got '\(raw)'")
        }
        return parsed
    }

    private static func milliseconds(_ env: [String: String], _ name: String, default value: Duration) throws -> Duration {
        guard env[name] != nil else { return value }
        return .milliseconds(try number(env, name, default: 0, in: 1...3_600_000))
    }
}
