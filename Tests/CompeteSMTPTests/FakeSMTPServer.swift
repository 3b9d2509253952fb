import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// An SMTP server in this process that follows a script, for the protocol's edge cases that a
/// real server will not produce on demand (a 421 mid-session, silence, a dropped connection).
final class FakeSMTPServer: Sendable {
    enum Action: Sendable {
        case reply(String)
        /// Say nothing (a slow or hung server).
        case silent
        /// Close the connection without a reply.
        case drop
    }

    /// `respond(command)` answers each command line; DATA's content is collected into `messages`
    /// and answered by `respond("<end of data>")`.
    private let respond: @Sendable (String) -> Action
    private let greeting: Action
    private let state = NIOLockedValueBox<(commands: [String], messages: [String], connections: Int)>(([], [], 0))
    private let channel: any Channel

    var commands: [String] { state.withLockedValue { $0.commands } }
    var messages: [String] { state.withLockedValue { $0.messages } }
    var connections: Int { state.withLockedValue { $0.connections } }
    var port: Int { channel.localAddress?.port ?? 0 }

    init(greeting: Action = .reply("220 fake.test ESMTP ready"), _ respond: @escaping @Sendable (String) -> Action) async throws {
        self.respond = respond
        self.greeting = greeting
        let box = NIOLockedValueBox<FakeSMTPServer?>(nil)
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    guard let server = box.withLockedValue({ $0 }) else { return }
                    try child.pipeline.syncOperations.addHandler(Session(server: server))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        box.withLockedValue { $0 = self }
    }

    func stop() async {
        try? await channel.close()
    }

    /// The usual answers: a multi-line EHLO offering AUTH, 250 to the rest, 354 to DATA.
    static func standard(_ line: String, extensions: [String] = ["AUTH PLAIN LOGIN", "8BITMIME", "SIZE 10240000"]) -> Action {
        let verb = line.prefix(4).uppercased()
        switch verb {
        case "EHLO": return .reply((["250-fake.test greets you"] + extensions.dropLast().map { "250-\($0)" } + ["250 \(extensions.last ?? "HELP")"]).joined(separator: "\r\n"))
        case "DATA": return .reply("354 go ahead")
        case "QUIT": return .reply("221 bye")
        case "AUTH": return .reply("235 2.7.0 authenticated")
        default: return .reply("250 2.0.0 OK")
        }
    }

    private func record(command: String? = nil, message: String? = nil, connected: Bool = false) {
        state.withLockedValue {
            if let command { $0.commands.append(command) }
            if let message { $0.messages.append(message) }
            if connected { $0.connections += 1 }
        }
    }

    private final class Session: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let server: FakeSMTPServer
        var pending = ""
        var data: String?

        init(server: FakeSMTPServer) { self.server = server }

        func channelActive(context: ChannelHandlerContext) {
            server.record(connected: true)
            act(server.greeting, context: context)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = Self.unwrapInboundIn(data)
            pending += buffer.readString(length: buffer.readableBytes) ?? ""
            while let range = pending.range(of: "\r\n") {
                let line = String(pending[..<range.lowerBound])
                pending = String(pending[range.upperBound...])
                handle(line, context: context)
            }
        }

        private func handle(_ line: String, context: ChannelHandlerContext) {
            if var collected = self.data {
                if line == "." {
                    self.data = nil
                    server.record(message: collected)
                    act(server.respond("<end of data>"), context: context)
                } else {
                    collected += line + "\r\n"
                    self.data = collected
                }
                return
            }
            server.record(command: line)
            let action = server.respond(line)
            if line.uppercased() == "DATA", case .reply(let text) = action, text.hasPrefix("354") { self.data = "" }
            act(action, context: context)
        }

        private func act(_ action: Action, context: ChannelHandlerContext) {
            switch action {
            case .reply(let text):
                context.writeAndFlush(Self.wrapOutboundOut(context.channel.allocator.buffer(string: text + "\r\n")), promise: nil)
            case .silent:
                break
            case .drop:
                context.close(promise: nil)
            }
        }
    }
}
