/// Why sending failed, classified the way a mail queue must act on it.
public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered a command with 4xx or 5xx (see ``SMTPReply/isPermanent``).
    case rejected(command: String, reply: SMTPReply)
    /// No connection, or it broke before the message's data was complete.
    case connection(String)
    /// The step did not answer in time.
    case timeout(String)
    /// The message's data was sent but its final reply never came: the server may or may not
    /// have taken it. Retrying may deliver a duplicate (with the same Message-ID).
    case unknownOutcome(String)
    /// TLS was required and not offered, or the handshake failed.
    case tls(String)
    /// The server's login refused (AUTH 535 is reported as ``rejected(command:reply:)``).
    case authenticationUnavailable(String)
    /// The server sent something that is not SMTP.
    case protocolViolation(String)
    /// The message cannot be sent to this server as it is (a non-ASCII address without SMTPUTF8).
    case unsupported(String)

    /// Never worth retrying: 5xx replies, and messages this server can never take.
    public var isPermanent: Bool {
        switch self {
        case .rejected(_, let reply): reply.isPermanent
        case .unsupported: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .rejected(let command, let reply): "SMTP \(command) rejected: \(reply)"
        case .connection(let detail): "SMTP connection failed: \(detail)"
        case .timeout(let detail): "SMTP timeout: \(detail)"
        case .unknownOutcome(let detail): "SMTP outcome unknown after DATA: \(detail)"
        case .tls(let detail): "SMTP TLS failed: \(detail)"
        case .authenticationUnavailable(let detail): "SMTP AUTH unavailable: \(detail)"
        case .protocolViolation(let detail): "SMTP protocol violation: \(detail)"
        case .unsupported(let detail): "SMTP cannot send: \(detail)"
        }
    }
}
