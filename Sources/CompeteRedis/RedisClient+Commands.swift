import NIOCore

/// Typed wrappers for the commands the application uses. Each is one `send` plus a check that
/// the reply has the shape Redis documents; anything else throws
/// ``RedisError/unexpectedReply(command:reply:)`` rather than being guessed at. Text results are
/// decoded as UTF-8; use `send` and ``RESPValue/bytes`` for binary values.
extension RedisClient {
    /// PING; returns `PONG`.
    public func ping() async throws -> String {
        try text(await send("PING"), "PING")
    }

    /// GET as text; `nil` when the key does not exist.
    public func get(_ key: String) async throws -> String? {
        try optionalBytes(await send("GET", RedisArgument(key)), "GET").map { String(buffer: $0) }
    }

    /// GET as raw bytes; `nil` when the key does not exist.
    public func getBytes(_ key: String) async throws -> ByteBuffer? {
        try optionalBytes(await send("GET", RedisArgument(key)), "GET")
    }

    /// SET, optionally only when the key is absent (NX) and with a time to live in milliseconds
    /// (PX). Returns false when NX prevented the write — the building block of a lock.
    @discardableResult
    public func set(_ key: String, to value: RedisArgument, onlyIfAbsent: Bool = false,
                    expireAfterMilliseconds milliseconds: Int? = nil) async throws -> Bool {
        var arguments = [RedisArgument(key), value]
        if onlyIfAbsent { arguments.append("NX") }
        if let milliseconds { arguments += ["PX", RedisArgument(milliseconds)] }
        switch try await send("SET", arguments: arguments) {
        case .simpleString("OK"): return true
        case .bulkString(nil): return false
        case let reply: throw RedisError.unexpectedReply(command: "SET", reply: reply)
        }
    }

    /// DEL; returns how many of the keys existed.
    @discardableResult
    public func del(_ keys: [String]) async throws -> Int {
        try integer(await send("DEL", keys), "DEL")
    }

    /// INCR; returns the new value (a missing key counts as 0).
    public func incr(_ key: String) async throws -> Int {
        try integer(await send("INCR", RedisArgument(key)), "INCR")
    }

    /// PEXPIRE; false when the key does not exist.
    @discardableResult
    public func pexpire(_ key: String, milliseconds: Int) async throws -> Bool {
        try integer(await send("PEXPIRE", RedisArgument(key), RedisArgument(milliseconds)), "PEXPIRE") == 1
    }

    /// PTTL in milliseconds; -1 when the key has no expiry, -2 when it does not exist.
    public func pttl(_ key: String) async throws -> Int {
        try integer(await send("PTTL", RedisArgument(key)), "PTTL")
    }

    /// EVAL; the reply is whatever the script returns (`redis.error_reply` throws).
    public func eval(_ script: String, keys: [String] = [], arguments: [RedisArgument] = []) async throws -> RESPValue {
        try await send("EVAL", arguments: [RedisArgument(script), RedisArgument(keys.count)] + keys.map { RedisArgument($0) } + arguments)
    }

    /// EVALSHA of a script loaded with ``scriptLoad(_:)``. Throws ``RedisError/server(_:)`` with
    /// a message starting `NOSCRIPT` when Redis no longer has it (e.g. after a restart).
    public func evalsha(_ sha1: String, keys: [String] = [], arguments: [RedisArgument] = []) async throws -> RESPValue {
        try await send("EVALSHA", arguments: [RedisArgument(sha1), RedisArgument(keys.count)] + keys.map { RedisArgument($0) } + arguments)
    }

    /// SCRIPT LOAD; returns the SHA1 for ``evalsha(_:keys:arguments:)``.
    public func scriptLoad(_ script: String) async throws -> String {
        try text(await send("SCRIPT", "LOAD", RedisArgument(script)), "SCRIPT LOAD")
    }

    /// LPUSH; returns the list's new length.
    @discardableResult
    public func lpush(_ key: String, _ values: [RedisArgument]) async throws -> Int {
        try integer(await send("LPUSH", arguments: [RedisArgument(key)] + values), "LPUSH")
    }

    /// RPUSH; returns the list's new length.
    @discardableResult
    public func rpush(_ key: String, _ values: [RedisArgument]) async throws -> Int {
        try integer(await send("RPUSH", arguments: [RedisArgument(key)] + values), "RPUSH")
    }

    /// LRANGE with inclusive indexes; negative ones count from the end (`0, -1` is everything).
    public func lrange(_ key: String, from start: Int = 0, to stop: Int = -1) async throws -> [String] {
        try texts(await send("LRANGE", RedisArgument(key), RedisArgument(start), RedisArgument(stop)), "LRANGE")
    }

    /// LREM; returns how many elements were removed (count 0 removes all equal elements).
    @discardableResult
    public func lrem(_ key: String, count: Int, value: RedisArgument) async throws -> Int {
        try integer(await send("LREM", RedisArgument(key), RedisArgument(count), value), "LREM")
    }

    /// ZADD of one member; returns 1 when it was added, 0 when only its score changed.
    @discardableResult
    public func zadd(_ key: String, score: Double, member: RedisArgument) async throws -> Int {
        try integer(await send("ZADD", RedisArgument(key), RedisArgument(score), member), "ZADD")
    }

    /// ZRANGEBYSCORE with inclusive bounds (`-.infinity`/`.infinity` for open ends), ordered by
    /// score; `limit` pages through the result.
    public func zrangebyscore(_ key: String, min: Double, max: Double,
                              limit: (offset: Int, count: Int)? = nil) async throws -> [String] {
        var arguments = [RedisArgument(key), RedisArgument(min), RedisArgument(max)]
        if let limit { arguments += ["LIMIT", RedisArgument(limit.offset), RedisArgument(limit.count)] }
        return try texts(await send("ZRANGEBYSCORE", arguments: arguments), "ZRANGEBYSCORE")
    }

    /// ZREM; returns how many members were removed.
    @discardableResult
    public func zrem(_ key: String, _ members: [RedisArgument]) async throws -> Int {
        try integer(await send("ZREM", arguments: [RedisArgument(key)] + members), "ZREM")
    }

    /// HSET of one field; returns 1 when the field is new, 0 when it was overwritten.
    @discardableResult
    public func hset(_ key: String, field: String, to value: RedisArgument) async throws -> Int {
        try integer(await send("HSET", RedisArgument(key), RedisArgument(field), value), "HSET")
    }

    /// HGET as text; `nil` when the key or field does not exist.
    public func hget(_ key: String, field: String) async throws -> String? {
        try optionalBytes(await send("HGET", RedisArgument(key), RedisArgument(field)), "HGET").map { String(buffer: $0) }
    }

    /// HDEL; returns how many fields were removed.
    @discardableResult
    public func hdel(_ key: String, _ fields: [String]) async throws -> Int {
        try integer(await send("HDEL", arguments: [RedisArgument(key)] + fields.map { RedisArgument($0) }), "HDEL")
    }
}

// Reply shapes. Kept private so the helpers above stay one line each.
private func integer(_ reply: RESPValue, _ command: String) throws -> Int {
    guard case .integer(let number) = reply else { throw RedisError.unexpectedReply(command: command, reply: reply) }
    return number
}

private func text(_ reply: RESPValue, _ command: String) throws -> String {
    switch reply {
    case .simpleString(let text): return text
    case .bulkString(let bytes?): return String(buffer: bytes)
    default: throw RedisError.unexpectedReply(command: command, reply: reply)
    }
}

private func optionalBytes(_ reply: RESPValue, _ command: String) throws -> ByteBuffer? {
    guard case .bulkString(let bytes) = reply else { throw RedisError.unexpectedReply(command: command, reply: reply) }
    return bytes
}

private func texts(_ reply: RESPValue, _ command: String) throws -> [String] {
    guard case .array(let elements?) = reply else { throw RedisError.unexpectedReply(command: command, reply: reply) }
    return try elements.map { element in
        guard case .bulkString(let bytes?) = element else { throw RedisError.unexpectedReply(command: command, reply: reply) }
        return String(buffer: bytes)
    }
}
