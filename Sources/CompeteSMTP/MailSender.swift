/// Who messages come from (`MAIL_FROM`: `Mini Compete <no-reply@example.org>` or a bare
/// address) and the domain of their Message-IDs (`MAIL_DOMAIN`, default the address's own).
public struct MailSender: Sendable, Equatable {
    public let name: String?
    public let address: String
    public let domain: String

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(from: String, domain: String? = nil) throws {
        let trimmed = from.trimmingCharacters(in: .whitespaces)
        var name: String?
        var address = trimmed
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            let display = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            name = display.hasPrefix("\"") && display.hasSuffix("\"") && display.count >= 2 ? String(display.dropFirst().dropLast()) : display
            if name?.isEmpty == true { name = nil }
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
              !address.contains(where: { $0.isWhitespace || $0.isNewline || "<>\"".contains($0) }) else {
            throw Invalid(description: "MAIL_FROM must be an address or 'Name <address>'; got '\(from)'")
        }
        let domain = domain ?? String(parts[1])
        guard !domain.isEmpty, domain.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else {
            throw Invalid(description: "MAIL_DOMAIN must be a domain name; got '\(domain)'")
        }
        self.name = name
        self.address = address
        self.domain = domain
    }
}
