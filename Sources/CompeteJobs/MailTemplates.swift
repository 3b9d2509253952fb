import Foundation

/// The wording of every message, read from files a person can edit (`MailTemplates/` in this
/// module's resources, or `MAIL_TEMPLATES_DIR`): `<name>.txt` starts with `Subject: …`, then an
/// empty line, then the text body; `<name>.html` is the HTML part. Placeholders are
/// `{{name}}`; values are inserted as they are in the text and HTML-escaped in the HTML.
public struct MailTemplates: Sendable {
    /// A message's three parts, filled in.
    public struct Rendered: Sendable, Equatable {
        public let subject: String
        public let text: String
        public let html: String
    }

    struct Template: Sendable {
        let subject: String
        let text: String
        let html: String
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    let templates: [String: Template]

    /// The names of the loaded templates.
    public var names: [String] { templates.keys.sorted() }

    /// Loads every `<name>.txt` + `<name>.html` pair of `directory` (default: the templates built
    /// into this module). Fails on a missing half or a text without its subject line.
    public static func load(from directory: URL? = nil) throws -> MailTemplates {
        guard let directory = directory ?? Bundle.module.resourceURL?.appendingPathComponent("MailTemplates") else {
            throw Invalid(description: "the mail templates are missing from the build")
        }
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw Invalid(description: "cannot read mail templates in \(directory.path): \(error)")
        }
        var templates: [String: Template] = [:]
        for file in files where file.hasSuffix(".txt") {
            let name = String(file.dropLast(4))
            let text = try read(directory.appendingPathComponent(file))
            let html = try read(directory.appendingPathComponent("\(name).html"))
            let lines = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
            guard lines.count == 3, lines[0].hasPrefix("Subject: "), lines[1].isEmpty else {
                throw Invalid(description: "\(file) must start with a 'Subject: …' line and an empty line")
            }
            templates[name] = Template(subject: String(lines[0].dropFirst("Subject: ".count)), text: String(lines[2]), html: html)
        }
        guard !templates.isEmpty else { throw Invalid(description: "no mail templates in \(directory.path)") }
        return MailTemplates(templates: templates)
    }

    /// Fills in template `name`. Throws for an unknown template or a placeholder without a value.
    public func render(_ name: String, _ values: [String: String]) throws -> Rendered {
        guard let template = templates[name] else { throw Invalid(description: "no mail template '\(name)'") }
        return Rendered(
            subject: try Self.fill(template.subject, values, escape: { $0 }, in: name),
            text: try Self.fill(template.text, values, escape: { $0 }, in: name),
            html: try Self.fill(template.html, values, escape: Self.escapeHTML, in: name)
        )
    }

    /// The placeholders a template uses, for tests that check every one is supplied.
    public func placeholders(of name: String) -> Set<String> {
        guard let template = templates[name] else { return [] }
        return Set([template.subject, template.text, template.html].flatMap(Self.placeholders))
    }

    static func placeholders(_ text: String) -> [String] {
        text.components(separatedBy: "{{").dropFirst().compactMap { $0.components(separatedBy: "}}").first }
    }

    private static func fill(_ text: String, _ values: [String: String], escape: (String) -> String, in name: String) throws -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw Invalid(description: "template '\(name)': '{{' without '}}'")
            }
            let key = String(rest[open.upperBound..<close.lowerBound])
            guard let value = values[key] else { throw Invalid(description: "template '\(name)' uses {{\(key)}}, which this message does not supply") }
            out += escape(value)
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    static func escapeHTML(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    private static func read(_ url: URL) throws -> String {
        do {
            var text = try String(contentsOf: url, encoding: .utf8)
            // Editors end files with a newline; the message does not.
            while text.hasSuffix("\n") { text.removeLast() }
            return text
        } catch {
            throw Invalid(description: "cannot read mail template \(url.lastPathComponent): \(error)")
        }
    }
}
