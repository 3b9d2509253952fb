@testable import CompeteSMTP
import Foundation
import Testing

/// The client against a scripted server: what it sends, and how it classifies each failure.
@Suite struct SMTPConnectionTests {
    func configuration(_ port: Int, user: String? = nil, timeout: Duration = .seconds(5), idle: Duration = .seconds(2)) -> SMTPConfiguration {
        SMTPConfiguration(host: "127.0.0.1", port: port, security: .none, username: user, password: user.map { _ in "s3cret" },
                          heloName: "client.test", commandTimeout: timeout, idleTimeout: idle)
    }

    @Test func aWholeSessionWithMultiLineRepliesAuthAndDotStuffing() async throws {
        let server = try await FakeSMTPServer { FakeSMTPServer.standard($0) }
        defer { Task { await server.stop() } }
        let connection = try await SMTPConnection.connect(configuration(server.port, user: "ann"))
        #expect(connection.capabilities.authMechanisms == ["PLAIN", "LOGIN"])
        #expect(connection.capabilities.has("8BITMIME") && connection.capabilities.has("SIZE"))
        try await connection.send(from: "a@x.test", to: ["b@y.test"], content: "Subject: hi\r\n\r\n.leading dot\nbare LF\r\n..two\r\nend")
        await connection.close()

        #expect(server.commands.first == "EHLO client.test")
        #expect(server.commands.contains("AUTH PLAIN \(Data("\0ann\0s3cret".utf8).base64EncodedString())"))
        #expect(server.commands.contains("MAIL FROM:<a@x.test> BODY=8BITMIME"))
        #expect(server.commands.contains("RCPT TO:<b@y.test>"))
        #expect(server.commands.last == "QUIT")
        // The server undoes the dot-stuffing: the lines arrive as written, all CRLF.
        #expect(server.messages == ["Subject: hi\r\n\r\n..leading dot\r\nbare LF\r\n...two\r\nend\r\n"])
    }

    @Test func authLoginWhenPlainIsNotOffered() async throws {
        let server = try await FakeSMTPServer { line in
            switch line {
            case let l where l.hasPrefix("EHLO"): .reply("250-fake\r\n250 AUTH LOGIN")
            case "AUTH LOGIN", Data("bob".utf8).base64EncodedString(): .reply("334 VXNlcm5hbWU6")
            case Data("s3cret".utf8).base64EncodedString(): .reply("235 ok")
            default: FakeSMTPServer.standard(line)
            }
        }
        defer { Task { await server.stop() } }
        let connection = try await SMTPConnection.connect(configuration(server.port, user: "bob"))
        await connection.close()
        #expect(server.commands.prefix(4) == ["EHLO client.test", "AUTH LOGIN", "Ym9i", "czNjcmV0"])
    }

    @Test func a421MidSessionIsTransientAndA550IsPermanent() async throws {
        let server = try await FakeSMTPServer { line in
            if line.hasPrefix("RCPT TO:<gone") { return .reply("550 5.1.1 no such user") }
            if line.hasPrefix("MAIL FROM:<busy") { return .reply("421 4.3.2 shutting down") }
            return FakeSMTPServer.standard(line)
        }
        defer { Task { await server.stop() } }
        let connection = try await SMTPConnection.connect(configuration(server.port))
        await #expect(throws: SMTPError.rejected(command: "RCPT TO", reply: SMTPReply(code: 550, lines: ["5.1.1 no such user"]))) {
            try await connection.send(from: "a@x.test", to: ["gone@y.test"], content: "x")
        }
        // After a refusal the session was reset and carries the next message.
        try await connection.send(from: "a@x.test", to: ["ok@y.test"], content: "x")
        do {
            try await connection.send(from: "busy@x.test", to: ["ok@y.test"], content: "x")
            Issue.record("a 421 must throw")
        } catch let error as SMTPError {
            #expect(!error.isPermanent && error.description.contains("421 4.3.2"))
        }
        #expect(server.commands.contains("RSET"))
        #expect(server.messages.count == 1)
    }

    @Test func aSilentServerTimesOutAtEachStep() async throws {
        let mute = try await FakeSMTPServer(greeting: .silent) { FakeSMTPServer.standard($0) }
        defer { Task { await mute.stop() } }
        let started = ContinuousClock.now
        await #expect(throws: SMTPError.self) { try await SMTPConnection.connect(configuration(mute.port, timeout: .milliseconds(300))) }
        #expect(ContinuousClock.now - started < .seconds(3))

        let slowData = try await FakeSMTPServer { $0 == "<end of data>" ? .silent : FakeSMTPServer.standard($0) }
        defer { Task { await slowData.stop() } }
        // Long enough for the prompt replies before DATA's end on a busy machine.
        let connection = try await SMTPConnection.connect(configuration(slowData.port, timeout: .seconds(2)))
        do {
            try await connection.send(from: "a@x.test", to: ["b@y.test"], content: "x")
            Issue.record("a server that never confirms DATA must not count as delivered")
        } catch let error as SMTPError {
            guard case .unknownOutcome = error else { Issue.record("expected unknownOutcome, got \(error)"); return }
            #expect(!error.isPermanent)
        }
    }

    @Test func aConnectionDroppedAfterDataIsAnUnknownOutcome() async throws {
        let server = try await FakeSMTPServer { $0 == "<end of data>" ? .drop : FakeSMTPServer.standard($0) }
        defer { Task { await server.stop() } }
        let connection = try await SMTPConnection.connect(configuration(server.port))
        await #expect(throws: SMTPError.unknownOutcome("SMTP connection failed: the server closed the connection")) {
            try await connection.send(from: "a@x.test", to: ["b@y.test"], content: "x")
        }
        #expect(server.messages.count == 1, "the server did get it: only it knows")
    }

    @Test func aNonASCIIAddressNeedsSMTPUTF8() async throws {
        let plain = try await FakeSMTPServer { FakeSMTPServer.standard($0) }
        defer { Task { await plain.stop() } }
        let connection = try await SMTPConnection.connect(configuration(plain.port))
        await #expect(throws: SMTPError.self) { try await connection.send(from: "a@x.test", to: ["zoë@y.test"], content: "x") }

        let utf8 = try await FakeSMTPServer { FakeSMTPServer.standard($0, extensions: ["SMTPUTF8", "8BITMIME"]) }
        defer { Task { await utf8.stop() } }
        let other = try await SMTPConnection.connect(configuration(utf8.port))
        try await other.send(from: "a@x.test", to: ["zoë@y.test"], content: "x")
        #expect(utf8.commands.contains("MAIL FROM:<a@x.test> BODY=8BITMIME SMTPUTF8"))
    }

    @Test func theMailerKeepsOneConnectionAndClosesItWhenIdle() async throws {
        let server = try await FakeSMTPServer { FakeSMTPServer.standard($0) }
        defer { Task { await server.stop() } }
        let mailer = SMTPMailer(configuration: configuration(server.port))
        for index in 0..<3 {
            try await mailer.send(from: "a@x.test", to: ["b\(index)@y.test"], content: "x")
        }
        #expect(server.connections == 1 && server.messages.count == 3)
        #expect(await mailer.keptConnections == 1)
        // Idle for longer than idleTimeout (2 s): closed with QUIT (waited for generously, as a
        // busy machine may be slow to run the timer).
        let deadline = ContinuousClock.now + .seconds(10)
        while server.commands.last != "QUIT", ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(await mailer.keptConnections == 0)
        #expect(server.commands.last == "QUIT")
        // A kept connection the server dropped is replaced without losing the message.
        try await mailer.send(from: "a@x.test", to: ["c@y.test"], content: "x")
        #expect(server.connections == 2 && server.messages.count == 4)
        await mailer.shutdown()
    }
}
