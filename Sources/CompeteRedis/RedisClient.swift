import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A small pool of pipelined connections to one Redis server; the type the application holds.
///
/// Commands are spread round-robin over `poolSize` connections, and each connection carries many
/// commands at once, so callers never wait for a free connection. Slot `i`'s connection lives on
/// event loop `i mod loops`; a command sent from a task running on an event loop (the
/// executable runs its tasks there) takes that loop's own slots, so its I/O needs no hop to the
/// other thread. Connections are opened lazily
/// on first use. One that has died (Redis restarted, a timeout, a network error) is replaced by
/// the next command that picks its slot; the commands that were in flight on it fail with
/// ``RedisError/connection(_:)`` or ``RedisError/timeout(_:)`` and are not retried, because the
/// client cannot know whether Redis ran them.
///
/// Blocking commands (BLPOP, SUBSCRIBE, …) would stall every command behind them on the same
/// connection; use a dedicated ``RedisConnection`` for those.
public final class RedisClient: Sendable {
    /// The settings the client was created with.
    public let configuration: RedisConfiguration
    private let eventLoopGroup: any EventLoopGroup
    /// The group's loops; slot `i` connects on `loops[i % loops.count]`.
    private let loops: [any EventLoop]
    private let logger: Logger
    private let state: NIOLockedValueBox<State>

    private enum Slot {
        case empty
        case connecting(Task<RedisConnection, any Error>)
        case ready(RedisConnection)
    }

    private struct State {
        var slots: [Slot]
        var turns: SlotTurns
        var isClosed = false
    }

    /// Creates the client without connecting; the first command opens the first connection, so
    /// an application starts even while Redis is still coming up.
    public init(
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "compete.redis")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.loops = Array(eventLoopGroup.makeIterator())
        self.logger = logger
        self.state = NIOLockedValueBox(State(
            slots: Array(repeating: .empty, count: configuration.poolSize),
            turns: SlotTurns(slots: configuration.poolSize, loops: loops.count)
        ))
    }

    /// Sends one command and returns its reply; an error reply is thrown as
    /// ``RedisError/server(_:)``. `try await client.send("SET", "greeting", "hello")`.
    public func send(_ command: String, _ arguments: RedisArgument...) async throws -> RESPValue {
        try await send(command, arguments: arguments)
    }

    /// Sends one command whose arguments are text held in variables.
    public func send(_ command: String, _ arguments: [String]) async throws -> RESPValue {
        try await send(command, arguments: arguments.map { RedisArgument($0) })
    }

    /// Sends one command whose arguments may be binary.
    public func send(_ command: String, arguments: [RedisArgument]) async throws -> RESPValue {
        try await connection().send([RedisArgument(command)] + arguments)
    }

    /// Sends several commands, each written as `[name, arg, …]`, in one write on one connection
    /// and returns the replies in order. Error replies come back in place as
    /// ``RESPValue/error(_:)``; only a lost connection or a timeout throws.
    public func pipeline(_ commands: [[String]]) async throws -> [RESPValue] {
        try await pipeline(arguments: commands.map { $0.map { RedisArgument($0) } })
    }

    /// ``pipeline(_:)`` with binary-safe arguments.
    public func pipeline(arguments commands: [[RedisArgument]]) async throws -> [RESPValue] {
        try await connection().pipeline(commands)
    }

    /// Closes every connection once its in-flight commands have their replies (or time out).
    /// Commands sent afterwards throw ``RedisError/closed``. Safe to call more than once.
    public func close() async {
        let slots = state.withLockedValue { state in
            state.isClosed = true
            defer { state.slots = state.slots.map { _ in .empty } }
            return state.slots
        }
        for slot in slots {
            switch slot {
            case .empty: break
            case .ready(let connection): await connection.close()
            case .connecting(let task): await (try? task.value)?.close()
            }
        }
    }

    /// A live connection from the next slot, opening one if the slot is empty or its connection
    /// has died. Callers that pick a slot while it connects share that attempt.
    private func connection() async throws -> RedisConnection {
        let (index, pick, replacesDeadConnection) = try state.withLockedValue { state -> (Int, Slot, Bool) in
            guard !state.isClosed else { throw RedisError.closed }
            let here = MultiThreadedEventLoopGroup.currentEventLoop.flatMap { current in
                loops.firstIndex { $0 === current }
            }
            let index = state.turns.next(onLoop: here)
            let current = state.slots[index]
            switch current {
            case .ready(let connection) where connection.isActive:
                return (index, current, false)
            case .connecting:
                return (index, current, false)
            case .ready, .empty:
                let loop = loops.isEmpty ? eventLoopGroup.any() : loops[index % loops.count]
                let attempt = Task { [configuration, logger] in
                    try await RedisConnection.connect(to: configuration, on: loop, logger: logger)
                }
                state.slots[index] = .connecting(attempt)
                if case .ready = current { return (index, state.slots[index], true) }
                return (index, state.slots[index], false)
            }
        }
        if replacesDeadConnection {
            logger.notice("Redis connection lost; reconnecting", metadata: ["redis": "\(configuration)", "slot": "\(index)"])
        }
        switch pick {
        case .ready(let connection):
            return connection
        case .connecting(let attempt):
            return try await finish(attempt, slot: index)
        case .empty:
            throw RedisError.closed
        }
    }

    private func finish(_ attempt: Task<RedisConnection, any Error>, slot index: Int) async throws -> RedisConnection {
        let result = await attempt.result
        let closedMeanwhile = state.withLockedValue { state -> Bool in
            // Only the slot's current attempt may change it; an older one lost a race.
            if case .connecting(let current) = state.slots[index], current == attempt {
                switch result {
                case .success(let connection): state.slots[index] = .ready(connection)
                case .failure: state.slots[index] = .empty
                }
            }
            return state.isClosed
        }
        let connection = try result.get()
        if closedMeanwhile {
            await connection.close()
            throw RedisError.closed
        }
        return connection
    }
}
