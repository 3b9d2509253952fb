import Logging
import NIOCore
import NIOPosix

/// One TCP connection to Redis. Any number of tasks may use it at once: commands are pipelined
/// (written without waiting for earlier replies) and replies are matched in order.
///
/// Most code wants ``RedisClient``, which pools connections and replaces dead ones; use a
/// connection directly only when commands must share one, such as MULTI/EXEC.
public final class RedisConnection: Sendable {
    private let channel: any Channel
    private let commandTimeout: TimeAmount

    private init(channel: any Channel, commandTimeout: TimeAmount) {
        self.channel = channel
        self.commandTimeout = commandTimeout
    }

    /// Connects, then authenticates and selects the database when the configuration asks for it.
    /// Throws ``RedisError/connection(_:)`` when Redis cannot be reached within the connect
    /// timeout, or ``RedisError/server(_:)`` when AUTH or SELECT is refused.
    public static func connect(
        to configuration: RedisConfiguration,
        on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any(),
        logger: Logger = Logger(label: "compete.redis")
    ) async throws -> RedisConnection {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(RESPDecoder()), RedisCommandHandler(logger: logger))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw RedisError.connection("cannot connect to \(configuration.host):\(configuration.port): \(error)")
        }
        let connection = RedisConnection(channel: channel, commandTimeout: TimeAmount(configuration.commandTimeout))
        do {
            try await connection.prepare(configuration)
        } catch {
            channel.close(promise: nil)
            throw error
        }
        logger.debug("Connected to Redis", metadata: ["redis": "\(configuration)"])
        return connection
    }

    /// AUTH and SELECT in one round trip, before anyone else can use the connection.
    private func prepare(_ configuration: RedisConfiguration) async throws {
        var setup: [[RedisArgument]] = []
        if let password = configuration.password {
            setup.append(["AUTH"] + (configuration.username.map { [RedisArgument($0)] } ?? []) + [RedisArgument(password)])
        }
        if configuration.database != 0 {
            setup.append(["SELECT", RedisArgument(configuration.database)])
        }
        for reply in try await pipeline(setup) {
            if case .error(let message) = reply { throw RedisError.server(message) }
        }
    }

    /// False once the connection has failed or been closed; it never becomes usable again.
    public var isActive: Bool { channel.isActive }

    /// Sends one command, e.g. `["SET", "key", "value"]`, and returns its reply. An error reply
    /// is thrown as ``RedisError/server(_:)``.
    public func send(_ command: [RedisArgument]) async throws -> RESPValue {
        let replies = try await roundTrip([command])
        guard replies.count == 1, let reply = replies.first else {
            throw RedisError.protocolViolation("expected one reply, got \(replies.count)")
        }
        if case .error(let message) = reply { throw RedisError.server(message) }
        return reply
    }

    /// Sends several commands in one write and returns their replies in order. Error replies are
    /// returned in place (as ``RESPValue/error(_:)``) so the caller sees which command failed;
    /// a lost connection or timeout throws for the whole batch.
    public func pipeline(_ commands: [[RedisArgument]]) async throws -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        return try await roundTrip(commands)
    }

    /// Waits for replies to commands already sent, then closes. Commands sent afterwards fail
    /// with ``RedisError/closed``.
    public func close() async {
        channel.triggerUserOutboundEvent(RedisGracefulClose(), promise: nil)
        try? await channel.closeFuture.get()
    }

    private func roundTrip(_ commands: [[RedisArgument]]) async throws -> [RESPValue] {
        var payload = channel.allocator.buffer(capacity: 0)
        for command in commands {
            guard !command.isEmpty else { throw RedisError.invalidCommand("a command needs at least its name") }
            RESPEncoder.encode(command: command, into: &payload)
        }
        let promise = channel.eventLoop.makePromise(of: [RESPValue].self)
        let request = RedisRequest(payload: payload, replyCount: commands.count, promise: promise, timeout: commandTimeout)
        // A write to a channel that closed before the request reached the handler is never seen
        // by it; failing the promise here too keeps the caller from waiting forever. A promise
        // completes once, so when the handler has already failed it this does nothing.
        channel.writeAndFlush(request).whenFailure { error in
            promise.fail(error as? RedisError ?? RedisError.connection("write failed: \(error)"))
        }
        return try await promise.futureResult.get()
    }
}
