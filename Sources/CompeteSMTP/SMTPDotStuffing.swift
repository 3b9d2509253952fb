/// DATA's transparency rule (RFC 5321 §4.5.2): every line ends in CRLF, a line starting with a
/// dot gets a second one, and the message ends with a line holding a single dot.
enum SMTPDotStuffing {
    static func data(_ content: String) -> String {
        var lines = content.replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        var out = ""
        out.reserveCapacity(content.utf8.count + 64)
        for line in lines {
            if line.hasPrefix(".") { out += "." }
            out += line
            out += "\r\n"
        }
        return out + ".\r\n"
    }
}
