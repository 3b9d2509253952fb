import Foundation

/// The kinds of question a registration form can ask.
public enum QuestionType: String, Sendable, Codable, CaseIterable {
    case text, number, choice, multiChoice, checkbox, email, date
}

/// A `min` or `max`: a number for `number` questions, a `YYYY-MM-DD` day for `date` questions.
public enum QuestionBound: Sendable, Equatable, Codable {
    case number(Double)
    case date(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) { self = .number(number) } else {
            self = .date(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try AnswerValue.number(value).encode(to: encoder)
        case .date(let day): try container.encode(day)
        }
    }

    /// As shown in forms and messages: `42`, `2.5`, `2008-09-01`.
    public var text: String {
        switch self {
        case .number(let value): AnswerValue.number(value).text
        case .date(let day): day
        }
    }
}

/// One question of a competition's registration form, as validated (`QuestionList.parse`).
/// Stored and served in this shape; keys that do not apply to its type are absent.
public struct Question: Sendable, Equatable, Codable {
    public var id: String
    public var label: String
    public var type: QuestionType
    public var required: Bool
    /// `choice` and `multiChoice`: what may be chosen, in the order shown.
    public var options: [String]?
    /// `text`: the longest answer, in characters.
    public var maxLength: Int?
    /// `number` (numbers) and `date` (days), each optional.
    public var min: QuestionBound?
    public var max: QuestionBound?
    /// `email`: the answer's domain must be one of these or a subdomain of one.
    public var allowedDomains: [String]?

    public init(
        id: String, label: String, type: QuestionType, required: Bool = false, options: [String]? = nil,
        maxLength: Int? = nil, min: QuestionBound? = nil, max: QuestionBound? = nil, allowedDomains: [String]? = nil
    ) {
        self.id = id
        self.label = label
        self.type = type
        self.required = required
        self.options = options
        self.maxLength = maxLength
        self.min = min
        self.max = max
        self.allowedDomains = allowedDomains
    }

    public static let maxCount = 30
    public static let maxIdLength = 40
    public static let maxLabel = 200
    public static let maxOptions = 50
    public static let maxOptionLength = 200
    public static let maxTextLength = 2000
    public static let defaultTextLength = 500
    public static let maxDomains = 50
    /// Numbers beyond this lose integer precision in a double and in most clients' JSON.
    public static let numberLimit = 1e15
}

/// What an organizer puts around the questions: rules to accept and whether entries wait for
/// approval. Everything a registration is checked against.
public struct RegistrationForm: Sendable, Equatable, Codable {
    public var questions: [Question]
    /// When set, registering needs `acceptRules: true`.
    public var rules: String?
    public var requiresApproval: Bool

    public init(questions: [Question] = [], rules: String? = nil, requiresApproval: Bool = false) {
        self.questions = questions
        self.rules = rules
        self.requiresApproval = requiresApproval
    }

    public static let maxRules = 20_000
}
