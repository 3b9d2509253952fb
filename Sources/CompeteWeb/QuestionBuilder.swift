import CompeteCore
import Foundation

/// The organizer's question editor without JavaScript: a table of rows (the questions, then a
/// few blank ones to add), each with move up / move down / remove buttons that post the form
/// back and re-render it rearranged, saving nothing until "Save" or "Publish". Rows are named
/// `q<i>_<field>`; a row left without id and label is ignored.
struct QuestionBuilder {
    /// One row as typed: every setting is text, as the inputs hold it.
    struct Row: Equatable {
        var id = ""
        var label = ""
        var type = QuestionType.text.rawValue
        var required = false
        var options = ""
        var maxLength = ""
        var min = ""
        var max = ""
        var domains = ""

        var isBlank: Bool {
            id.trimmingCharacters(in: .whitespaces).isEmpty && label.trimmingCharacters(in: .whitespaces).isEmpty
        }
    }

    static let blankRows = 3

    var rows: [Row]

    init(rows: [Row]) {
        self.rows = rows
    }

    init(questions: [Question]) {
        rows = questions.map { q in
            Row(
                id: q.id, label: q.label, type: q.type.rawValue, required: q.required,
                options: (q.options ?? []).joined(separator: "\n"), maxLength: q.maxLength.map(String.init) ?? "",
                min: q.min?.text ?? "", max: q.max?.text ?? "", domains: (q.allowedDomains ?? []).joined(separator: ", ")
            )
        }
    }

    init(_ fields: FormFields) {
        let count = min(Int(fields["questionRows"] ?? "") ?? 0, Question.maxCount + Self.blankRows)
        rows = (0..<count).map { i in
            Row(
                id: fields["q\(i)_id"] ?? "", label: fields["q\(i)_label"] ?? "", type: fields["q\(i)_type"] ?? "text",
                required: fields.has("q\(i)_required"), options: fields["q\(i)_options"] ?? "",
                maxLength: fields["q\(i)_maxLength"] ?? "", min: fields["q\(i)_min"] ?? "", max: fields["q\(i)_max"] ?? "",
                domains: fields["q\(i)_domains"] ?? ""
            )
        }
    }

    /// Applies a `move` button (`up:3`, `down:3`, `remove:3`); false when there was none.
    mutating func rearrange(_ command: String?) -> Bool {
        guard let command else { return false }
        let parts = command.split(separator: ":")
        guard parts.count == 2, let index = Int(parts[1]), rows.indices.contains(index) else { return true }
        switch parts[0] {
        case "up" where index > 0: rows.swapAt(index, index - 1)
        case "down" where index < rows.count - 1: rows.swapAt(index, index + 1)
        case "remove": rows.remove(at: index)
        default: break
        }
        return true
    }

    /// The filled rows as the JSON list the API takes.
    var questions: JSONValue {
        .array(rows.filter { !$0.isBlank }.map(Self.json))
    }

    private static func json(_ row: Row) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(row.id.trimmingCharacters(in: .whitespaces)), "label": .string(row.label),
            "type": .string(row.type), "required": .bool(row.required),
        ]
        func number(_ text: String) -> JSONValue {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            return Double(trimmed).map(JSONValue.number) ?? .string(trimmed)
        }
        let type = QuestionType(rawValue: row.type)
        if type == .choice || type == .multiChoice {
            let options = row.options.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            object["options"] = .array(options.filter { !$0.isEmpty }.map(JSONValue.string))
        }
        if type == .text, !row.maxLength.trimmingCharacters(in: .whitespaces).isEmpty { object["maxLength"] = number(row.maxLength) }
        if type == .number || type == .date {
            for (key, text) in [("min", row.min), ("max", row.max)] where !text.trimmingCharacters(in: .whitespaces).isEmpty {
                object[key] = type == .number ? number(text) : .string(text.trimmingCharacters(in: .whitespaces))
            }
        }
        if type == .email {
            let domains = row.domains.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
            if !domains.isEmpty { object["allowedDomains"] = .array(domains.map(JSONValue.string)) }
        }
        return .object(object)
    }

    /// The rows for the page: the filled ones and blank ones to add (up to 30 questions), each
    /// with the problems the server found in it.
    func views(errors: [FieldError]) -> [QuestionRowView] {
        var shown = rows
        let filled = shown.filter { !$0.isBlank }.count
        shown = shown.filter { !$0.isBlank } + Array(repeating: Row(), count: max(0, min(Self.blankRows, Question.maxCount - filled)))
        // Errors are numbered by filled question; filled rows keep their order at the top.
        var messages: [Int: [String]] = [:]
        for error in errors where error.field.hasPrefix("questions[") {
            let digits = error.field.dropFirst("questions[".count).prefix { $0.isNumber }
            guard let k = Int(digits) else { continue }
            let field = error.field.drop { $0 != "." }.dropFirst()
            messages[k, default: []].append("\(field.isEmpty ? "Question" : String(field)) \(error.message).")
        }
        return shown.enumerated().map { index, row in
            QuestionRowView(index: index, row: row, last: index == shown.count - 1, errors: messages[index] ?? [])
        }
    }
}

/// A row of the question editor as the template shows it.
struct QuestionRowView: Encodable {
    struct TypeOption: Encodable { let value: String; let selected: Bool }

    let index: Int
    let id: String
    let label: String
    let types: [TypeOption]
    let required: Bool
    let options: String
    let maxLength: String
    let min: String
    let max: String
    let domains: String
    let isFirst: Bool
    let isLast: Bool
    let errors: [String]
    let hasErrors: Bool
    let number: Int

    init(index: Int, row: QuestionBuilder.Row, last: Bool, errors: [String]) {
        self.index = index
        number = index + 1
        id = row.id
        label = row.label
        types = QuestionType.allCases.map { TypeOption(value: $0.rawValue, selected: $0.rawValue == row.type) }
        required = row.required
        options = row.options
        maxLength = row.maxLength
        min = row.min
        max = row.max
        domains = row.domains
        isFirst = index == 0
        isLast = last
        self.errors = errors
        hasErrors = !errors.isEmpty
    }
}
