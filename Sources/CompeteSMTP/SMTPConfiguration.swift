import Foundation

/// Where and how to reach the mail server, from `SMTP_URL`:
/// `smtp://user:pass@host:587` (STARTTLS when offered; `?tls=required` refuses to go on
/// without it, `?tls=none` never starts it), `smtps://user:pass@host:465` (implicit TLS), or
/// `smtp://host:25` (a local relay).
public struct SMTPConfiguration: Sendable, Equatable, CustomStringConvertible {
    public enum Security: String, Sendable, Equatable {
        /// TLS from the first byte (port 465).
        case implicitTLS
        /// STARTTLS when the server offers it, plain otherwise.
        case startTLSWhenOffered
        /// STARTTLS or nothing: a server that does not offer it is an error.
        case startTLSRequired
        /// Never TLS (a relay on the same host).
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// The name this client gives in EHLO.
    public var heloName: String
    /// A PEM file of certificates to trust besides the system's (a private CA, or a test
    /// server's self-signed certificate).
    public var trustedCertificatesFile: String?
    public var connectTimeout: Duration
    /// How long any one step (a reply to a command, the TLS handshake) may take.
    public var commandTimeout: Duration
    /// A connection unused this long is closed.
    public var idleTimeout: Duration

    public init(
        host: String, port: Int, security: Security = .startTLSWhenOffered, username: String? = nil, password: String? = nil,
        heloName: String = "localhost", trustedCertificatesFile: String? = nil,
        connectTimeout: Duration = .seconds(10), commandTimeout: Duration = .seconds(30), idleTimeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.heloName = heloName
        self.trustedCertificatesFile = trustedCertificatesFile
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.idleTimeout = idleTimeout
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses `SMTP_URL`. The password never appears in an error message.
    public init(url: String, heloName: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else {
            throw Invalid(description: "SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465")
        }
        let tls = components.queryItems?.first(where: { $0.name == "tls" })?.value?.lowercased()
        switch (scheme, tls) {
        case ("smtps", nil), ("smtps", "implicit"):
            security = .implicitTLS
        case ("smtp", nil), ("smtp", "opportunistic"):
            security = .startTLSWhenOffered
        case ("smtp", "required"):
            security = .startTLSRequired
        case ("smtp", "none"):
            security = .none
        default:
            throw Invalid(description: "SMTP_URL must use smtp:// (with ?tls=required or ?tls=none) or smtps://; got scheme '\(scheme)' tls '\(tls ?? "")'")
        }
        self.host = host
        port = components.port ?? (security == .implicitTLS ? 465 : 587)
        guard (1...65535).contains(port) else { throw Invalid(description: "SMTP_URL port must be in 1...65535") }
        username = components.user.flatMap { $0.removingPercentEncoding ?? $0 }.flatMap { $0.isEmpty ? nil : $0 }
        password = components.password.flatMap { $0.removingPercentEncoding ?? $0 }
        self.heloName = heloName
        trustedCertificatesFile = nil
        connectTimeout = .seconds(10)
        commandTimeout = .seconds(30)
        idleTimeout = .seconds(30)
    }

    /// Without the password.
    public var description: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        let user = username.map { "\($0)@" } ?? ""
        return "\(scheme)://\(user)\(host):\(port) (\(security.rawValue))"
    }
}
