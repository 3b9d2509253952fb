import Foundation

/// The settings each type of question takes, and what each allows. A setting that does not
/// apply to the type is an error rather than silently ignored: the organizer meant something.
struct QuestionRules {
    let type: QuestionType

    func read(_ fields: [String: JSONValue], into question: inout Question, problems: inout Problems) {
        let choices = type == .choice || type == .multiChoice
        if choices {
            question.options = options(fields["options"], problems: &problems)
        } else if fields["options"].isSet {
            problems.add("options", "applies only to choice and multiChoice questions")
        }
        if type == .text {
            question.maxLength = maxLength(fields["maxLength"], problems: &problems)
        } else if fields["maxLength"].isSet {
            problems.add("maxLength", "applies only to text questions")
        }
        if type == .number || type == .date {
            question.min = bound(fields["min"], "min", problems: &problems)
            question.max = bound(fields["max"], "max", problems: &problems)
            if let min = question.min, let max = question.max, Self.isBelow(max, min) {
                problems.add("max", "must not be below min")
            }
        } else {
            for key in ["min", "max"] where fields[key].isSet {
                problems.add(key, "applies only to number and date questions")
            }
        }
        if type == .email {
            question.allowedDomains = domains(fields["allowedDomains"], problems: &problems)
        } else if fields["allowedDomains"].isSet {
            problems.add("allowedDomains", "applies only to email questions")
        }
    }

    private func options(_ value: JSONValue?, problems: inout Problems) -> [String]? {
        guard case .array(let items)? = value, (1...Question.maxOptions).contains(items.count) else {
            problems.add("options", "must be a list of 1–\(Question.maxOptions) options")
            return nil
        }
        var options: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let raw) = item else {
                problems.add("options[\(index)]", "must be text")
                continue
            }
            let option = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if option.isEmpty || option.count > Question.maxOptionLength {
                problems.add("options[\(index)]", "must be 1–\(Question.maxOptionLength) characters")
            } else if Text.hasControlCharacters(option, allowing: Text.joiners) {
                problems.add("options[\(index)]", "must not contain control or invisible formatting characters")
            } else if options.contains(option) {
                problems.add("options[\(index)]", "appears twice")
            } else {
                options.append(option)
            }
        }
        return options
    }

    private func maxLength(_ value: JSONValue?, problems: inout Problems) -> Int {
        switch value {
        case nil, .null?: return Question.defaultTextLength
        case .number(let number)? where number.rounded() == number && (1...Double(Question.maxTextLength)).contains(number):
            return Int(number)
        default:
            problems.add("maxLength", "must be a whole number from 1 to \(Question.maxTextLength)")
            return Question.defaultTextLength
        }
    }

    private func bound(_ value: JSONValue?, _ field: String, problems: inout Problems) -> QuestionBound? {
        switch (type, value) {
        case (_, nil), (_, .null?): return nil
        case (.number, .number(let number)?) where number.isFinite && abs(number) <= Question.numberLimit:
            return .number(number)
        case (.date, .string(let text)?) where FormDate.isValid(text):
            return .date(text)
        case (.number, _):
            problems.add(field, "must be a number between -1e15 and 1e15")
        default:
            problems.add(field, "must be a date written YYYY-MM-DD")
        }
        return nil
    }

    private func domains(_ value: JSONValue?, problems: inout Problems) -> [String]? {
        switch value {
        case nil, .null?: return nil
        case .array(let items)? where items.count <= Question.maxDomains:
            var domains: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let raw) = item, let domain = EmailDomain.normalized(raw) else {
                    problems.add("allowedDomains[\(index)]", "must be a domain name such as school.edu")
                    continue
                }
                if !domains.contains(domain) { domains.append(domain) }
            }
            return domains.isEmpty ? nil : domains
        default:
            problems.add("allowedDomains", "must be a list of at most \(Question.maxDomains) domain names")
            return nil
        }
    }

    static func isBelow(_ a: QuestionBound, _ b: QuestionBound) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): x < y
        case (.date(let x), .date(let y)): x < y
        default: false
        }
    }
}

extension Optional where Wrapped == JSONValue {
    /// Present and not null.
    var isSet: Bool {
        if case .some(let value) = self, value != .null { return true }
        return false
    }
}

/// `YYYY-MM-DD` days. Text in this fixed form compares in calendar order, so bounds are
/// checked on the text itself, with no time zone to get wrong.
public enum FormDate {
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              text.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              year >= 1, (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }
}

/// Domain names in `allowedDomains` and in answers, compared in lower case.
public enum EmailDomain {
    /// `School.EDU` → `school.edu`; a leading `@` is forgiven. Nil unless every label is 1–63
    /// letters, digits or inner hyphens and there are at least two of them.
    public static func normalized(_ raw: String) -> String? {
        var text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        if text.hasPrefix("@") { text.removeFirst() }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard text.utf8.count <= 253, labels.count >= 2 else { return nil }
        for label in labels {
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-",
                  label.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
            else { return nil }
        }
        return text
    }

    /// `ada@cs.school.edu` is within `school.edu`; `ada@school.edu.evil.test` and
    /// `ada@evilschool.edu` are not: the domain must equal an allowed one or end in `.` + it.
    public static func isWithin(_ email: String, allowed: [String]) -> Bool {
        guard let at = email.lastIndex(of: "@") else { return false }
        let domain = email[email.index(after: at)...].lowercased()
        return allowed.contains { domain == $0 || domain.hasSuffix("." + $0) }
    }
}
