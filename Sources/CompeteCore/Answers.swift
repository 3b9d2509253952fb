import Foundation

/// One validated answer. Dates, emails and choices are text (`YYYY-MM-DD`, the address, the
/// option), checkboxes booleans, multiple choices a list in the options' order.
public enum AnswerValue: Sendable, Equatable, Codable {
    case text(String)
    case number(Double)
    case bool(Bool)
    case list([String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .list(try container.decode([String].self))
        }
    }

    /// Whole numbers are written without a fraction (`42`, not `42.0`), so the stored text of
    /// an answer does not depend on how a platform prints doubles.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .number(let value):
            if value.rounded() == value, abs(value) <= Question.numberLimit { try container.encode(Int64(value)) } else {
                try container.encode(value)
            }
        case .bool(let value): try container.encode(value)
        case .list(let items): try container.encode(items)
        }
    }

    /// As a person reads it (pages, CSV): lists joined with "; ", checkboxes as yes/no.
    public var text: String {
        switch self {
        case .text(let text): text
        case .number(let value):
            value.rounded() == value && abs(value) <= Question.numberLimit ? String(Int64(value)) : String(value)
        case .bool(let value): value ? "yes" : "no"
        case .list(let items): items.joined(separator: "; ")
        }
    }
}

/// A registration's answers by question id. Stored as one canonical JSON text (sorted keys,
/// values as `AnswerValue` encodes them), the same bytes on SQLite and PostgreSQL: the
/// databases' own date, boolean and array types differ, text does not (docs/api.md).
public struct Answers: Sendable, Equatable {
    public var values: [String: AnswerValue]

    public init(_ values: [String: AnswerValue] = [:]) {
        self.values = values
    }

    public var isEmpty: Bool { values.isEmpty }

    public subscript(_ id: String) -> AnswerValue? { values[id] }

    /// The stored form: `{"shirt":"M","school":"ada@uni.edu"}`.
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, whole numbers, doubles, booleans and lists of strings always encode.
        let data = (try? encoder.encode(values)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads the stored form back; nil (no answers) when the text is not an answers object.
    public init?(canonicalJSON text: String) {
        guard let values = try? JSONDecoder().decode([String: AnswerValue].self, from: Data(text.utf8)) else { return nil }
        self.values = values
    }
}
