import CompeteRedis
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A tiny TCP server on 127.0.0.1 that misbehaves on purpose, for the failures a real Redis
/// will not produce on demand: a reply cut off mid-way, no reply at all, a slow reply, garbage.
final class FakeRedisServer: Sendable {
    enum Behavior: Sendable {
        /// Answers the first command with these bytes, then closes the connection.
        case replyThenClose(String)
        /// Answers every command with these bytes and stays open.
        case reply(String)
        /// Reads commands and never answers.
        case silent
        /// Answers every command with `+OK` after a delay.
        case slowOK(TimeAmount)
    }

    let port: Int
    private let channel: any Channel
    private let counters: NIOLockedValueBox<(accepted: Int, closed: Int, commands: Int)>

    /// Connections accepted / closed (by either side) and commands received so far.
    var accepted: Int { counters.withLockedValue { $0.accepted } }
    var closed: Int { counters.withLockedValue { $0.closed } }
    var commands: Int { counters.withLockedValue { $0.commands } }

    private init(channel: any Channel, counters: NIOLockedValueBox<(accepted: Int, closed: Int, commands: Int)>) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.counters = counters
    }

    static func start(_ behavior: Behavior) async throws -> FakeRedisServer {
        let counters = NIOLockedValueBox((accepted: 0, closed: 0, commands: 0))
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                counters.withLockedValue { $0.accepted += 1 }
                child.closeFuture.whenComplete { _ in counters.withLockedValue { $0.closed += 1 } }
                return child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(RESPDecoder()), Handler(behavior: behavior, counters: counters))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeRedisServer(channel: channel, counters: counters)
    }

    func configuration(poolSize: Int = 1, commandTimeout: Duration = .seconds(5)) throws -> RedisConfiguration {
        try RedisConfiguration(host: "127.0.0.1", port: port, poolSize: poolSize,
                               connectTimeout: .seconds(2), commandTimeout: commandTimeout)
    }

    func stop() async {
        try? await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = RESPValue
        typealias OutboundOut = ByteBuffer

        let behavior: Behavior
        let counters: NIOLockedValueBox<(accepted: Int, closed: Int, commands: Int)>

        init(behavior: Behavior, counters: NIOLockedValueBox<(accepted: Int, closed: Int, commands: Int)>) {
            self.behavior = behavior
            self.counters = counters
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            counters.withLockedValue { $0.commands += 1 }
            switch behavior {
            case .replyThenClose(let bytes):
                context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: bytes))).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
            case .reply(let bytes):
                context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: bytes)), promise: nil)
            case .silent:
                break
            case .slowOK(let delay):
                context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
                    context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: "+OK\r\n")), promise: nil)
                }
            }
        }
    }
}
