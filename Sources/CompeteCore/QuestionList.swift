import Foundation

/// Reads an organizer's list of questions from JSON as sent (the API body, or the web form's
/// rows turned into the same shape), reporting every problem at once by field, e.g.
/// `questions[2].options`. Unknown keys are ignored, as everywhere in the API.
public enum QuestionList {
    public static func parse(_ value: JSONValue) -> Result<[Question], DomainError> {
        guard case .array(let items) = value else {
            return .failure(.invalid("questions", "must be a list of questions"))
        }
        guard items.count <= Question.maxCount else {
            return .failure(.invalid("questions", "must hold at most \(Question.maxCount) questions"))
        }
        var errors: [FieldError] = []
        var questions: [Question] = []
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            var problems = Problems(prefix: "questions[\(index)]")
            if let question = parse(item, problems: &problems) {
                if !seen.insert(question.id).inserted {
                    problems.add("id", "must be unique within the competition (\(question.id) appears twice)")
                }
                questions.append(question)
            }
            errors += problems.errors
        }
        return errors.isEmpty ? .success(questions) : .failure(.validation(errors))
    }

    private static func parse(_ item: JSONValue, problems: inout Problems) -> Question? {
        guard case .object(let fields) = item else {
            problems.add(nil, "must be an object")
            return nil
        }
        let id = problems.string(fields["id"], "id") ?? ""
        if !(1...Question.maxIdLength).contains(id.count) || !id.unicodeScalars.allSatisfy(isIdCharacter) {
            problems.add("id", "must be 1–\(Question.maxIdLength) characters of a-z, 0-9, _ and -")
        }
        let label = (problems.string(fields["label"], "label") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if label.isEmpty || label.count > Question.maxLabel {
            problems.add("label", "must be 1–\(Question.maxLabel) characters")
        } else if Text.hasControlCharacters(label, allowing: Text.joiners) {
            problems.add("label", "must not contain control or invisible formatting characters")
        }
        var required = false
        switch fields["required"] {
        case nil, .null?: break
        case .bool(let value)?: required = value
        case let other?: problems.add("required", "must be a boolean, not \(other.kind)")
        }
        guard let typeName = problems.string(fields["type"], "type") else { return nil }
        guard let type = QuestionType(rawValue: typeName) else {
            problems.add("type", "must be one of " + QuestionType.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        var question = Question(id: id, label: label, type: type, required: required)
        QuestionRules(type: type).read(fields, into: &question, problems: &problems)
        return question
    }

    private static func isIdCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
    }
}

/// Field errors of one question, named `questions[i].field`.
struct Problems {
    let prefix: String
    var errors: [FieldError] = []

    mutating func add(_ field: String?, _ message: String) {
        errors.append(FieldError(field.map { "\(prefix).\($0)" } ?? prefix, message))
    }

    /// The text of a field that must be a string; nil (and an error when present) otherwise.
    mutating func string(_ value: JSONValue?, _ field: String) -> String? {
        switch value {
        case .string(let text)?: return text
        case nil, .null?: add(field, "is required"); return nil
        case let other?: add(field, "must be text, not \(other.kind)"); return nil
        }
    }
}
