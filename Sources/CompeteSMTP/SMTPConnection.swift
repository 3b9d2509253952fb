import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// One session with a mail server: greeting, EHLO, STARTTLS, AUTH, then any number of
/// messages (MAIL, RCPT, DATA) one after the other. Not for concurrent use: ``SMTPMailer``
/// hands each connection to one sender at a time.
public final class SMTPConnection: Sendable {
    private let channel: any Channel
    private let timeout: TimeAmount
    /// Why the channel failed, as the handler saw it: a write that finds the channel already
    /// closed reports this (a refused certificate) rather than "I/O on closed channel".
    private let failure: NIOLockedValueBox<SMTPError?>
    /// What the server offered in its (last) EHLO reply, upper-cased keywords.
    public let capabilities: SMTPCapabilities

    private init(channel: any Channel, timeout: TimeAmount, failure: NIOLockedValueBox<SMTPError?>, capabilities: SMTPCapabilities) {
        self.channel = channel
        self.failure = failure
        self.timeout = timeout
        self.capabilities = capabilities
    }

    /// Connects and gets the session ready to send: TLS as configured, then AUTH when a user is
    /// configured. Throws ``SMTPError``.
    public static func connect(
        _ configuration: SMTPConfiguration, on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any(),
        logger: Logger = Logger(label: "compete.smtp")
    ) async throws -> SMTPConnection {
        let tls = try configuration.security == .none ? nil : makeTLSContext(configuration)
        let implicitTLS = configuration.security == .implicitTLS
        let host = configuration.host
        let failure = NIOLockedValueBox<SMTPError?>(nil)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS, let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: serverName(host)))
                    }
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(SMTPLineDecoder()), SMTPClientHandler(failure: failure))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw SMTPError.connection("cannot connect to \(configuration.host):\(configuration.port): \(error)")
        }
        do {
            let connection = try await open(channel, configuration, tls: tls, failure: failure)
            logger.debug("SMTP session ready", metadata: ["smtp": "\(configuration)", "capabilities": "\(connection.capabilities.keywords.keys.sorted())"])
            return connection
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    private static func open(
        _ channel: any Channel, _ configuration: SMTPConfiguration, tls: NIOSSLContext?, failure: NIOLockedValueBox<SMTPError?>
    ) async throws -> SMTPConnection {
        var session = SMTPConnection(
            channel: channel, timeout: TimeAmount(configuration.commandTimeout), failure: failure, capabilities: SMTPCapabilities())
        try session.expect(try await session.exchange(nil, step: "greeting"), 220, "greeting")
        session = try await session.hello(configuration.heloName)
        let offered = session.capabilities.has("STARTTLS")
        switch configuration.security {
        case .startTLSRequired where !offered:
            throw SMTPError.tls("the server does not offer STARTTLS and SMTP_URL has tls=required")
        case .startTLSRequired, .startTLSWhenOffered:
            guard offered, let tls else { break }
            try session.expect(try await session.exchange("STARTTLS"), 220, "STARTTLS")
            let host = configuration.host
            do {
                // Made on the event loop: the handler is not Sendable.
                try await channel.eventLoop.submit {
                    let handler = try NIOSSLClientHandler(context: tls, serverHostname: serverName(host))
                    try channel.pipeline.syncOperations.addHandler(handler, position: .first)
                }.get()
            } catch {
                throw SMTPError.tls("\(error)")
            }
            // The session starts over inside TLS (RFC 3207 §4.2): a fresh EHLO.
            session = try await session.hello(configuration.heloName)
        case .implicitTLS, .none:
            break
        }
        if let user = configuration.username {
            try await session.authenticate(user: user, password: configuration.password ?? "")
        }
        return session
    }

    /// EHLO; a server that refuses it gets HELO (no extensions).
    private func hello(_ name: String) async throws -> SMTPConnection {
        let reply = try await exchange("EHLO \(name)")
        if reply.code == 250 {
            return SMTPConnection(channel: channel, timeout: timeout, failure: failure, capabilities: SMTPCapabilities(ehlo: reply))
        }
        try expect(try await exchange("HELO \(name)"), 250, "HELO")
        return SMTPConnection(channel: channel, timeout: timeout, failure: failure, capabilities: SMTPCapabilities())
    }

    /// AUTH PLAIN when offered, else LOGIN (RFC 4954; the mechanisms' own RFCs 4616 and the
    /// LOGIN draft). Never over a plain connection to another host unless the URL said tls=none.
    private func authenticate(user: String, password: String) async throws {
        let mechanisms = capabilities.authMechanisms
        if mechanisms.contains("PLAIN") {
            let token = Data("\0\(user)\0\(password)".utf8).base64EncodedString()
            try expect(try await exchange("AUTH PLAIN \(token)", step: "AUTH PLAIN"), 235, "AUTH PLAIN")
        } else if mechanisms.contains("LOGIN") {
            try expect(try await exchange("AUTH LOGIN", step: "AUTH LOGIN"), 334, "AUTH LOGIN")
            try expect(try await exchange(Data(user.utf8).base64EncodedString(), step: "AUTH LOGIN user"), 334, "AUTH LOGIN")
            try expect(try await exchange(Data(password.utf8).base64EncodedString(), step: "AUTH LOGIN password"), 235, "AUTH LOGIN")
        } else {
            throw SMTPError.authenticationUnavailable("the server offers neither AUTH PLAIN nor AUTH LOGIN (offered: \(mechanisms.sorted()))")
        }
    }

    /// False once the connection failed or was closed.
    public var isActive: Bool { channel.isActive }

    /// Sends one message: MAIL FROM, RCPT TO for each recipient, DATA with `content` (a whole
    /// RFC 5322 message, dot-stuffed and terminated here). After a failed command the session
    /// is reset (RSET) so the connection can carry the next message.
    public func send(from: String, to recipients: [String], content: String) async throws {
        let needsUTF8 = ([from] + recipients).contains { !$0.allSatisfy(\.isASCII) }
        if needsUTF8, !capabilities.has("SMTPUTF8") {
            throw SMTPError.unsupported("a non-ASCII address needs SMTPUTF8, which the server does not offer")
        }
        var parameters = ""
        if capabilities.has("8BITMIME") { parameters += " BODY=8BITMIME" }
        if needsUTF8 { parameters += " SMTPUTF8" }
        do {
            try expect(try await exchange("MAIL FROM:<\(from)>\(parameters)", step: "MAIL FROM"), 250, "MAIL FROM")
            for recipient in recipients {
                try expect(try await exchange("RCPT TO:<\(recipient)>", step: "RCPT TO"), 250, "RCPT TO", also: 251)
            }
            try expect(try await exchange("DATA"), 354, "DATA")
        } catch SMTPError.rejected(let command, let reply) {
            _ = try? await exchange("RSET")
            throw SMTPError.rejected(command: command, reply: reply)
        }
        let final: SMTPReply
        do {
            final = try await exchange(raw: SMTPDotStuffing.data(content), step: "end of DATA")
        } catch let error as SMTPError {
            // The message may have been taken: only the server knows.
            throw SMTPError.unknownOutcome("\(error)")
        }
        try expect(final, 250, "DATA")
    }

    /// QUIT, then close (without waiting long for a server that does not answer).
    public func close() async {
        if channel.isActive { _ = try? await exchange("QUIT") }
        try? await channel.close()
    }

    private func exchange(_ command: String?, step: String? = nil) async throws -> SMTPReply {
        let payload = command.map { channel.allocator.buffer(string: "\($0)\r\n") }
        return try await exchange(buffer: payload, step: step ?? command ?? "greeting")
    }

    private func exchange(raw: String, step: String) async throws -> SMTPReply {
        try await exchange(buffer: channel.allocator.buffer(string: raw), step: step)
    }

    private func exchange(buffer: ByteBuffer?, step: String) async throws -> SMTPReply {
        let promise = channel.eventLoop.makePromise(of: SMTPReply.self)
        let failure = self.failure
        channel.writeAndFlush(SMTPRequest(payload: buffer, promise: promise, timeout: timeout, step: step)).whenFailure { error in
            promise.fail(failure.withLockedValue { $0 } ?? error as? SMTPError ?? SMTPError.connection("write failed: \(error)"))
        }
        return try await promise.futureResult.get()
    }

    private func expect(_ reply: SMTPReply, _ code: Int, _ command: String, also: Int? = nil) throws {
        guard reply.code == code || reply.code == also else {
            throw SMTPError.rejected(command: command, reply: reply)
        }
    }

    private static func makeTLSContext(_ configuration: SMTPConfiguration) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let file = configuration.trustedCertificatesFile {
            do {
                tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(file))]
            } catch {
                throw SMTPError.tls("cannot read the trusted certificates in \(file): \(error)")
            }
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw SMTPError.tls("\(error)")
        }
    }

    /// SNI carries names, not addresses.
    private static func serverName(_ host: String) -> String? {
        host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
    }
}
