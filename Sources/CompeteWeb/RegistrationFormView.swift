import CompeteCore
import Foundation

/// What was typed into a registration form, kept when the server refuses it.
struct TypedForm {
    let fields: FormFields
    let errors: [FieldError]
}

/// The registration form's fields are named `a.<question id>` (multiple choices
/// `a.<id>[]`), the rules checkbox `acceptRules`.
enum RegistrationFormFields {
    static func name(_ question: Question) -> String {
        question.type == .multiChoice ? "a.\(question.id)[]" : "a.\(question.id)"
    }

    /// The posted fields as the JSON the API would have received, so both channels are judged
    /// by the same rules: numbers that do not parse stay text and are refused as such.
    static func submission(_ fields: FormFields, form: RegistrationForm) -> FormSubmission {
        var answers: [String: JSONValue] = [:]
        for question in form.questions {
            let name = name(question)
            switch question.type {
            case .multiChoice:
                let chosen = fields.all(name)
                if !chosen.isEmpty { answers[question.id] = .array(chosen.map(JSONValue.string)) }
            case .checkbox:
                if fields.has(name) { answers[question.id] = .bool(true) }
            case .number:
                guard let raw = fields[name] else { continue }
                let trimmed = raw.trimmingCharacters(in: .whitespaces)
                answers[question.id] = Double(trimmed).map(JSONValue.number) ?? .string(raw)
            default:
                if let raw = fields[name] { answers[question.id] = .string(raw) }
            }
        }
        return FormSubmission(answers: .object(answers), acceptRules: fields.has("acceptRules") ? .bool(true) : nil)
    }
}

/// One option of a choice, as a `<select>` entry or a checkbox.
struct OptionField: Encodable {
    let value: String
    let inputId: String
    let selected: Bool
}

/// One question as the form shows it: its input with the matching HTML validation attributes,
/// the value typed or stored, and the server's message next to it.
struct QuestionField: Encodable {
    let id: String
    let name: String
    let inputId: String
    let label: String
    let required: Bool
    let isChoice: Bool
    let isMulti: Bool
    let isCheckbox: Bool
    let isLongText: Bool
    /// `type` of a plain `<input>`: text, number, email or date.
    let inputType: String
    let maxLength: Int
    let hasMaxLength: Bool
    let isNumber: Bool
    let min: String
    let hasMin: Bool
    let max: String
    let hasMax: Bool
    let hint: String
    let hasHint: Bool
    let value: String
    let checked: Bool
    let options: [OptionField]
    let error: String
    let hasError: Bool

    init(_ q: Question, typed: FormFields?, stored: AnswerValue?, error: String?) {
        id = q.id
        name = RegistrationFormFields.name(q)
        inputId = "q-\(q.id)"
        label = q.label
        required = q.required
        isChoice = q.type == .choice
        isMulti = q.type == .multiChoice
        isCheckbox = q.type == .checkbox
        isLongText = q.type == .text && (q.maxLength ?? Question.defaultTextLength) > 200
        inputType = switch q.type {
        case .number: "number"
        case .email: "email"
        case .date: "date"
        default: "text"
        }
        maxLength = q.type == .text ? q.maxLength ?? Question.defaultTextLength : 0
        hasMaxLength = q.type == .text
        isNumber = q.type == .number
        min = q.min?.text ?? ""
        hasMin = q.min != nil
        max = q.max?.text ?? ""
        hasMax = q.max != nil
        let hint = switch q.type {
        case .email: q.allowedDomains.map { "an address at " + $0.joined(separator: " or ") + ", or a subdomain" } ?? ""
        case .date: "YYYY-MM-DD"
        case .multiChoice: "Choose any that apply"
        default: ""
        }
        self.hint = hint
        hasHint = !hint.isEmpty
        let chosen: [String]
        if let typed {
            value = typed[name] ?? ""
            chosen = q.type == .multiChoice ? typed.all(name) : typed[name].map { [$0] } ?? []
            checked = typed.has(name)
        } else {
            value = stored?.text ?? ""
            chosen = if case .list(let items)? = stored { items } else { stored.map { [$0.text] } ?? [] }
            checked = stored == .bool(true)
        }
        options = (q.options ?? []).enumerated().map { index, option in
            OptionField(value: option, inputId: "q-\(q.id)-\(index)", selected: chosen.contains(option))
        }
        self.error = error.map { "\(q.label) \($0)." } ?? ""
        hasError = error != nil
    }
}

/// The whole form: questions, rules to accept, and problems that belong to no one field.
struct FormView: Encodable {
    let questions: [QuestionField]
    let hasQuestions: Bool
    let rules: String
    let hasRules: Bool
    let askRules: Bool
    let acceptChecked: Bool
    let rulesError: String
    let hasRulesError: Bool
    let otherErrors: [String]
    let hasOtherErrors: Bool
    /// Any problem at all: the answers form opens itself.
    let hasErrors: Bool
    let requiresApproval: Bool

    /// `askRules`: the rules checkbox is shown (registering; not when changing answers).
    init(_ form: RegistrationForm, typed: TypedForm?, stored: Answers?, askRules: Bool) {
        var messages: [String: String] = [:]
        var other: [String] = []
        var rulesError = ""
        for error in typed?.errors ?? [] {
            if error.field == "acceptRules" {
                rulesError = "You must accept the rules to register."
            } else if error.field.hasPrefix("answers."), form.questions.contains(where: { "answers.\($0.id)" == error.field }) {
                let id = String(error.field.dropFirst("answers.".count))
                messages[id] = messages[id] ?? error.message
            } else {
                other.append("\(error.field) \(error.message).")
            }
        }
        questions = form.questions.map {
            QuestionField($0, typed: typed?.fields, stored: stored?[$0.id], error: messages[$0.id])
        }
        hasQuestions = !form.questions.isEmpty
        rules = form.rules ?? ""
        hasRules = form.rules != nil
        self.askRules = askRules && form.rules != nil
        acceptChecked = typed?.fields.has("acceptRules") ?? false
        self.rulesError = rulesError
        hasRulesError = !rulesError.isEmpty
        otherErrors = other
        hasOtherErrors = !other.isEmpty
        hasErrors = !(typed?.errors.isEmpty ?? true)
        requiresApproval = form.requiresApproval
    }
}
