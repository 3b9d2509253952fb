import Foundation

/// Where a visitor may be sent after logging in: a path on this site and nothing else.
///
/// A `next` value ends up in a `Location` header, so it is judged the way a browser (and any
/// proxy that decodes paths) would read it, not by its first characters: browsers drop tab, CR
/// and LF inside URLs and read `\` as `/`, so `/\tevil.com` or `/\evil.com` means
/// `//evil.com`, another host; a decoding proxy turns `/%2F%2Fevil.com` into the same. And a
/// raw CR or LF must never reach a header at all (NIO refuses to write it and the request used
/// to hang). Anything doubtful becomes `/`: a lost deep link costs a click, an open redirect
/// costs a phished password.
enum LocalPath {
    static let fallback = "/"
    /// Longer values are not links our pages produce.
    static let maximumLength = 2048

    /// `raw` when it is a plain local path (with an optional query), otherwise `/`.
    static func safe(_ raw: String?) -> String {
        guard let raw, isLocal(raw) else { return fallback }
        return raw
    }

    static func isLocal(_ raw: String) -> Bool {
        guard raw.utf8.count <= maximumLength, isPlainPath(raw) else { return false }
        // Every decoding of it must be a plain path too: `%2F%2F`, `%5C`, `%0A` and their
        // double-encoded forms (`%252F`) are refused, whoever decodes them.
        var current = raw
        for _ in 0..<3 {
            guard let decoded = current.removingPercentEncoding else { return false }
            if decoded == current { break }
            guard isHarmlessDecoding(decoded) else { return false }
            current = decoded
        }
        guard current.removingPercentEncoding == current else { return false }
        // What a URL parser makes of it: no scheme, no host, the same path back.
        guard let components = URLComponents(string: raw), components.scheme == nil, components.host == nil,
              components.percentEncodedPath.hasPrefix("/") else { return false }
        return true
    }

    /// Printable ASCII only (0x21–0x7E: no space, no controls, no DEL, nothing a browser might
    /// normalise), starting with one `/` that is not followed by another `/` or `\`, and no `\`
    /// anywhere.
    private static func isPlainPath(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "/"), bytes.allSatisfy({ (0x21...0x7E).contains($0) }),
              !bytes.contains(UInt8(ascii: "\\")) else { return false }
        return bytes.count == 1 || bytes[1] != UInt8(ascii: "/")
    }

    /// A decoded form may hold spaces and non-ASCII letters (a search term), but no control
    /// character, no `\` and no second leading `/`.
    private static func isHarmlessDecoding(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard scalars.first == "/", !scalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\\" }) else {
            return false
        }
        return scalars.count == 1 || scalars[1] != "/"
    }
}
