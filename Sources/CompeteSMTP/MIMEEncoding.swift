import Foundation

/// The encodings a message needs to travel as 7-bit text: RFC 2047 encoded words for header
/// text, quoted-printable for readable bodies, base64 for attachments.
public enum MIMEEncoding {
    /// Header text safe on one logical line: CR, LF and other controls become spaces, so no value
    /// can ever start a header of its own.
    public static func headerSafe(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : Character($0) })
    }

    /// Unstructured header text (a subject): as is when plain ASCII, otherwise UTF-8 encoded
    /// words of at most 75 characters each, folded onto continuation lines.
    public static func unstructured(_ text: String) -> String {
        let clean = headerSafe(text)
        guard needsEncoding(clean) else { return clean }
        return encodedWords(clean).joined(separator: "\r\n ")
    }

    /// A mailbox for From/To: `Name <address>`, the name quoted or encoded as it needs.
    public static func mailbox(name: String?, address: String) -> String {
        let address = headerSafe(address).filter { $0 != "<" && $0 != ">" && $0 != " " }
        guard let raw = name.map(headerSafe)?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return "<\(address)>" }
        if needsEncoding(raw) {
            return encodedWords(raw).joined(separator: "\r\n ") + " <\(address)>"
        }
        let atom = raw.allSatisfy { $0.isLetter || $0.isNumber || " !#$%&'*+-/=?^_`{|}~".contains($0) }
        let quoted = raw.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return (atom ? raw : "\"\(quoted)\"") + " <\(address)>"
    }

    static func needsEncoding(_ text: String) -> Bool {
        !text.allSatisfy(\.isASCII) || text.contains("=?")
    }

    /// `=?UTF-8?B?…?=` pieces, never splitting a character.
    static func encodedWords(_ text: String) -> [String] {
        // 75 − len("=?UTF-8?B?") − len("?=") = 63 base64 characters ≈ 45 octets.
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words
    }

    /// Quoted-printable (RFC 2045 §6.7) with CRLF line ends and lines of at most 76 characters.
    public static func quotedPrintable(_ text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        return lines.map { line -> String in
            var out: [String] = []
            var current = ""
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let last = index == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !last)
                let piece = literal ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
                if current.count + piece.count > 75 {
                    out.append(current + "=")
                    current = ""
                }
                current += piece
            }
            out.append(current)
            return out.joined(separator: "\r\n")
        }.joined(separator: "\r\n")
    }

    /// Base64 in lines of 76 characters.
    public static func base64Lines(_ data: Data) -> String {
        let text = data.base64EncodedString()
        var lines: [Substring] = []
        var start = text.startIndex
        while start < text.endIndex {
            let end = text.index(start, offsetBy: 76, limitedBy: text.endIndex) ?? text.endIndex
            lines.append(text[start..<end])
            start = end
        }
        return lines.joined(separator: "\r\n")
    }

    /// `Mon, 30 Nov 2026 04:42:13 +0000` (RFC 5322 §3.3).
    public static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
