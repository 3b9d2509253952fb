import Logging
import NIOCore
import NIOPosix

/// Sends messages over a few kept connections: a sender takes an idle connection (or opens
/// one), sends, and gives it back; a connection unused for `idleTimeout` is closed. A kept
/// connection the server has dropped since (idle timeout, 421) is noticed before anything is
/// sent on it and replaced.
public actor SMTPMailer {
    private let configuration: SMTPConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private var idle: [(connection: SMTPConnection, since: ContinuousClock.Instant)] = []
    private var closed = false

    public init(configuration: SMTPConfiguration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                logger: Logger = Logger(label: "compete.smtp")) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Sends one message. Throws ``SMTPError``.
    public func send(from: String, to recipients: [String], content: String) async throws {
        let reused = takeIdle()
        let connection: SMTPConnection
        if let reused {
            connection = reused
        } else {
            connection = try await SMTPConnection.connect(configuration, on: eventLoopGroup.any(), logger: logger)
        }
        do {
            try await connection.send(from: from, to: recipients, content: content)
        } catch let error as SMTPError where reused != nil && Self.wasGone(error) {
            // A kept connection may have died between messages before MAIL FROM reached the
            // server; nothing was sent, so one fresh connection may try again.
            logger.debug("kept SMTP connection was gone; reconnecting", metadata: ["error": "\(error)"])
            await connection.close()
            let fresh = try await SMTPConnection.connect(configuration, on: eventLoopGroup.any(), logger: logger)
            do {
                try await fresh.send(from: from, to: recipients, content: content)
            } catch {
                await giveBack(fresh)
                throw error
            }
            await giveBack(fresh)
            return
        } catch {
            await giveBack(connection)
            throw error
        }
        await giveBack(connection)
    }

    /// A dropped connection, or a server that said 421 (closing) while the connection sat idle.
    private static func wasGone(_ error: SMTPError) -> Bool {
        switch error {
        case .connection: true
        case .rejected(let command, let reply): command == "MAIL FROM" && reply.code == 421
        default: false
        }
    }

    /// Closes every kept connection; later sends open new ones.
    public func shutdown() async {
        closed = true
        let all = idle
        idle = []
        for entry in all { await entry.connection.close() }
    }

    /// How many connections are kept open now (for tests and metrics).
    public var keptConnections: Int { idle.count }

    private func takeIdle() -> SMTPConnection? {
        while let entry = idle.popLast() {
            if entry.connection.isActive { return entry.connection }
        }
        return nil
    }

    private func giveBack(_ connection: SMTPConnection) async {
        guard connection.isActive, !closed else {
            await connection.close()
            return
        }
        idle.append((connection, ContinuousClock.now))
        let timeout = configuration.idleTimeout
        Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.closeIdle()
        }
    }

    /// Closes the connections idle for `idleTimeout` or longer.
    private func closeIdle() async {
        let cutoff = ContinuousClock.now - configuration.idleTimeout
        let stale = idle.filter { $0.since <= cutoff }
        idle.removeAll { $0.since <= cutoff }
        for entry in stale {
            await entry.connection.close()
            logger.debug("closed an idle SMTP connection")
        }
    }
}
