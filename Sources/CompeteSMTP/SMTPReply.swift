/// One SMTP reply: a three-digit code and its text, possibly over several lines
/// (`250-first`, `250-second`, `250 last`; RFC 5321 §4.2.1).
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    /// The text of each line, without the code and separator.
    public let lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2xx and 3xx: the command was accepted (3xx asks for more, e.g. after DATA).
    public var isPositive: Bool { (200..<400).contains(code) }
    /// 4xx: try again later.
    public var isTransient: Bool { (400..<500).contains(code) }
    /// 5xx: this message will never be accepted as it is.
    public var isPermanent: Bool { code >= 500 }

    /// `550 5.1.1 no such user` (lines joined with " / "), as logs and dead letters show it.
    public var description: String {
        "\(code) " + lines.joined(separator: " / ")
    }
}

/// Assembles replies from lines. A line is `ddd-text` (more follow) or `ddd text` / `ddd` (the
/// last); every line of one reply must carry the same code.
struct SMTPReplyParser {
    private var code: Int?
    private var lines: [String] = []

    /// Feeds one line (without CRLF); returns a reply when `line` completed one.
    mutating func feed(_ line: String) throws -> SMTPReply? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, bytes[0...2].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let value = Int(String(decoding: bytes[0...2], as: UTF8.self)), (200...599).contains(value) else {
            throw SMTPError.protocolViolation("not an SMTP reply line: \(line.prefix(80))")
        }
        if let code, code != value {
            throw SMTPError.protocolViolation("reply lines with different codes: \(code) then \(value)")
        }
        let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw SMTPError.protocolViolation("bad separator in reply line: \(line.prefix(80))")
        }
        code = value
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard separator == UInt8(ascii: " ") else { return nil }
        let reply = SMTPReply(code: value, lines: lines)
        code = nil
        lines = []
        return reply
    }
}
