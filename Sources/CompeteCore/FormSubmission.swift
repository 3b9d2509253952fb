import Foundation

/// A registration's form as sent: `{answers?, acceptRules?}`, each exactly as decoded, so
/// wrong types are reported against their own field.
public struct FormSubmission: Sendable, Equatable {
    public var answers: JSONValue?
    public var acceptRules: JSONValue?

    public init(answers: JSONValue? = nil, acceptRules: JSONValue? = nil) {
        self.answers = answers
        self.acceptRules = acceptRules
    }
}

extension RegistrationForm {
    /// Checks a submission against the form, reporting every problem at once
    /// (`answers.<id>`, `acceptRules`), and returns the answers in their stored shape.
    /// `requireRules: false` when only answers are being changed (the rules were accepted on
    /// registering).
    public func validate(_ submission: FormSubmission, requireRules: Bool = true) throws -> Answers {
        var errors: [FieldError] = []
        var given: [String: JSONValue] = [:]
        switch submission.answers {
        case nil, .null?: break
        case .object(let object)? where object.count <= Question.maxCount: given = object
        case .object?: errors.append(FieldError("answers", "must hold at most \(Question.maxCount) answers"))
        case let other?: errors.append(FieldError("answers", "must be an object of answers by question id, not \(other.kind)"))
        }
        let known = Set(questions.map(\.id))
        for id in given.keys.sorted() where !known.contains(id) {
            errors.append(FieldError("answers.\(Self.fieldName(id))", "is not a question of this competition"))
        }
        var answers = Answers()
        for question in questions {
            switch AnswerCheck(question: question).check(given[question.id]) {
            case .success(let value?): answers.values[question.id] = value
            case .success(nil): break
            case .failure(let problem): errors.append(FieldError("answers.\(question.id)", problem.message))
            }
        }
        if requireRules, rules != nil {
            switch submission.acceptRules {
            case .bool(true)?: break
            case nil, .null?, .bool(false)?: errors.append(FieldError("acceptRules", "you must accept the rules to register"))
            case let other?: errors.append(FieldError("acceptRules", "must be a boolean, not \(other.kind)"))
            }
        } else if let value = submission.acceptRules {
            switch value {
            case .null, .bool: break
            default: errors.append(FieldError("acceptRules", "must be a boolean, not \(value.kind)"))
            }
        }
        guard errors.isEmpty else { throw DomainError.validation(errors) }
        return answers
    }

    /// An unknown id as it appears in an error's field name: printable and short, whatever
    /// was sent.
    static func fieldName(_ id: String) -> String {
        let printable = String(String.UnicodeScalarView(id.unicodeScalars.filter { !Text.isControlOrFormat($0) }))
        return printable.count > 60 ? String(printable.prefix(60)) + "…" : printable
    }
}

/// One question's answer against its rules.
struct AnswerCheck {
    let question: Question

    /// The stored value (nil: not answered), or why the answer is refused.
    func check(_ value: JSONValue?) -> Result<AnswerValue?, AnswerProblem> {
        let missing: Result<AnswerValue?, AnswerProblem> = question.required ? .failure(.init("is required")) : .success(nil)
        guard let value, value != .null else { return missing }
        // A blank field is an unanswered one (what an empty web form field sends).
        if case .string(let text) = value, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return missing }
        switch question.type {
        case .text: return text(value)
        case .number: return number(value)
        case .choice:
            guard case .string(let choice) = value else { return .failure(.wrongType("one of the options", value)) }
            return (question.options ?? []).contains(choice) ? .success(.text(choice)) : .failure(.init("must be one of the options"))
        case .multiChoice: return choices(value)
        case .checkbox:
            guard case .bool(let checked) = value else { return .failure(.wrongType("a boolean", value)) }
            if question.required, !checked { return .failure(.init("must be checked")) }
            return .success(.bool(checked))
        case .email: return email(value)
        case .date:
            guard case .string(let day) = value else { return .failure(.wrongType("a date written YYYY-MM-DD", value)) }
            guard FormDate.isValid(day) else { return .failure(.init("must be a date written YYYY-MM-DD")) }
            if let min = question.min, case .date(let first) = min, day < first { return .failure(.init("must be on or after \(first)")) }
            if let max = question.max, case .date(let last) = max, day > last { return .failure(.init("must be on or before \(last)")) }
            return .success(.text(day))
        }
    }

    private func text(_ value: JSONValue) -> Result<AnswerValue?, AnswerProblem> {
        guard case .string(let raw) = value else { return .failure(.wrongType("text", value)) }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let limit = question.maxLength ?? Question.defaultTextLength
        if text.count > limit { return .failure(.init("must be at most \(limit) characters")) }
        if Text.hasControlCharacters(text, allowing: Text.multiLine) {
            return .failure(.init("must not contain control or invisible formatting characters"))
        }
        return .success(.text(text))
    }

    private func number(_ value: JSONValue) -> Result<AnswerValue?, AnswerProblem> {
        guard case .number(let number) = value else { return .failure(.wrongType("a number", value)) }
        guard number.isFinite, abs(number) <= Question.numberLimit else { return .failure(.init("must be a number between -1e15 and 1e15")) }
        if let min = question.min, case .number(let low) = min, number < low { return .failure(.init("must be at least \(min.text)")) }
        if let max = question.max, case .number(let high) = max, number > high { return .failure(.init("must be at most \(max.text)")) }
        return .success(.number(number))
    }

    private func choices(_ value: JSONValue) -> Result<AnswerValue?, AnswerProblem> {
        guard case .array(let items) = value else { return .failure(.wrongType("a list of options", value)) }
        let options = question.options ?? []
        var chosen: Set<String> = []
        for item in items {
            guard case .string(let choice) = item, options.contains(choice) else {
                return .failure(.init("must hold only the options offered"))
            }
            guard chosen.insert(choice).inserted else { return .failure(.init("must not name an option twice")) }
        }
        if chosen.isEmpty { return question.required ? .failure(.init("choose at least one option")) : .success(nil) }
        // The options' order, whatever order they came in: one stored form per choice.
        return .success(.list(options.filter(chosen.contains)))
    }

    private func email(_ value: JSONValue) -> Result<AnswerValue?, AnswerProblem> {
        guard case .string(let raw) = value else { return .failure(.wrongType("an email address", value)) }
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Credentials.isPlausibleEmail(email) else { return .failure(.init("must be an email address")) }
        if let allowed = question.allowedDomains, !EmailDomain.isWithin(email, allowed: allowed) {
            return .failure(.init("must be an address at " + allowed.joined(separator: " or ") + " (or a subdomain)"))
        }
        return .success(.text(email))
    }
}

/// Why an answer is refused, in words a participant reads next to the field.
struct AnswerProblem: Error {
    let message: String

    init(_ message: String) { self.message = message }

    static func wrongType(_ expected: String, _ value: JSONValue) -> AnswerProblem {
        AnswerProblem("must be \(expected), not \(value.kind)")
    }
}
