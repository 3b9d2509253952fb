/// The extensions a server announced in its EHLO reply (RFC 5321 §4.1.1.1): one per line after
/// the first, a keyword and its parameters.
public struct SMTPCapabilities: Sendable, Equatable {
    /// Upper-cased keyword → its parameters, upper-cased.
    public let keywords: [String: [String]]

    public init() { keywords = [:] }

    init(ehlo reply: SMTPReply) {
        var keywords: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            let words = line.uppercased().split(separator: " ").map(String.init)
            guard let keyword = words.first else { continue }
            keywords[keyword, default: []].append(contentsOf: words.dropFirst())
        }
        self.keywords = keywords
    }

    public func has(_ keyword: String) -> Bool { keywords[keyword] != nil }

    /// `AUTH PLAIN LOGIN` → ["PLAIN", "LOGIN"].
    public var authMechanisms: Set<String> { Set(keywords["AUTH"] ?? []) }
}
