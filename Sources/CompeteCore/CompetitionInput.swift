import Foundation

/// The fields an organizer sends to create a competition, exactly as decoded (absent = nil).
public struct CompetitionDraft: Sendable {
    public var title: String?
    public var description: String?
    public var tags: [String]?
    public var capacity: Int?
    public var regDeadline: Date?
    public var startDate: Date?
    public var waitlistCapacity: Int?
    /// The questions exactly as sent (`QuestionList.parse` reads them).
    public var questions: JSONValue?
    /// Absent: unchanged; `.some(nil)` (JSON null or empty text): no rules.
    public var rules: String??
    public var requiresApproval: Bool?
    /// An IANA name, checked by `TimeZoneName`.
    public var timeZone: String?
    /// nil: unchanged; `.some(nil)`: no opening time (sent as JSON `null`).
    public var opensAt: Date??

    public init(
        title: String? = nil, description: String? = nil, tags: [String]? = nil, capacity: Int? = nil,
        regDeadline: Date? = nil, startDate: Date? = nil, waitlistCapacity: Int? = nil,
        questions: JSONValue? = nil, rules: String?? = nil, requiresApproval: Bool? = nil,
        timeZone: String? = nil, opensAt: Date?? = nil
    ) {
        self.title = title
        self.description = description
        self.tags = tags
        self.capacity = capacity
        self.regDeadline = regDeadline
        self.startDate = startDate
        self.waitlistCapacity = waitlistCapacity
        self.questions = questions
        self.rules = rules
        self.requiresApproval = requiresApproval
        self.timeZone = timeZone
        self.opensAt = opensAt
    }
}

/// Validated content of a competition, the part an organizer controls.
public struct CompetitionContent: Sendable, Equatable {
    public var title: String
    public var description: String
    public var tags: [String]
    public var capacity: Int
    public var regDeadline: Date
    public var startDate: Date
    /// 0 means no waitlist.
    public var waitlistCapacity: Int = 0
    public var form = RegistrationForm()
    public var timeZone: TimeZoneName = .utc
    /// Must be before `regDeadline`; may be in the past (registration is then simply open).
    public var opensAt: Date?

    public static let maxTitle = 200
    public static let maxDescription = 10_000
    public static let capacityRange = 1...100_000
    public static let waitlistRange = 0...100_000

    /// Checks a complete draft for creation. `startDate` defaults to `regDeadline`.
    public static func validate(_ draft: CompetitionDraft, now: Date) throws -> CompetitionContent {
        var errors: [FieldError] = []
        if draft.title == nil { errors.append(FieldError("title", "is required")) }
        if draft.capacity == nil { errors.append(FieldError("capacity", "is required")) }
        if draft.regDeadline == nil { errors.append(FieldError("regDeadline", "is required")) }
        var content = CompetitionContent(
            title: draft.title ?? "", description: draft.description ?? "", tags: draft.tags ?? [],
            capacity: draft.capacity ?? 0, regDeadline: draft.regDeadline ?? now,
            startDate: draft.startDate ?? draft.regDeadline ?? now, waitlistCapacity: draft.waitlistCapacity ?? 0,
            opensAt: draft.opensAt ?? nil
        )
        errors += content.form.apply(draft)
        content.timeZone = Self.timeZone(draft.timeZone, errors: &errors) ?? .utc
        if !errors.isEmpty {
            // Report the missing fields together with whatever else is wrong in the present ones.
            let present = content.problems(checkingDeadlineAgainst: now)
                .filter { problem in !errors.contains { $0.field == problem.field } }
            throw DomainError.validation(errors + present)
        }
        return try content.normalized(checkingDeadlineAgainst: now)
    }

    /// Applies a partial update. The deadline must be in the future only if it is being changed.
    public func applying(_ patch: CompetitionDraft, now: Date) throws -> CompetitionContent {
        var next = self
        if let title = patch.title { next.title = title }
        if let description = patch.description { next.description = description }
        if let tags = patch.tags { next.tags = tags }
        if let capacity = patch.capacity { next.capacity = capacity }
        if let regDeadline = patch.regDeadline { next.regDeadline = regDeadline }
        if let startDate = patch.startDate { next.startDate = startDate }
        if let waitlistCapacity = patch.waitlistCapacity { next.waitlistCapacity = waitlistCapacity }
        if let opensAt = patch.opensAt { next.opensAt = opensAt }
        var errors = next.form.apply(patch)
        if let zone = Self.timeZone(patch.timeZone, errors: &errors) { next.timeZone = zone }
        return try next.normalized(checkingDeadlineAgainst: patch.regDeadline != nil ? now : nil, with: errors)
    }

    /// The zone `raw` names (nil when absent or refused, the refusal added to `errors`).
    private static func timeZone(_ raw: String?, errors: inout [FieldError]) -> TimeZoneName? {
        guard let raw else { return nil }
        guard let zone = TimeZoneName(raw) else {
            errors.append(FieldError("timezone", TimeZoneName.requirement))
            return nil
        }
        return zone
    }

    private func normalized(checkingDeadlineAgainst now: Date?, with earlier: [FieldError] = []) throws -> CompetitionContent {
        let problems = earlier + problems(checkingDeadlineAgainst: now)
        guard problems.isEmpty else { throw DomainError.validation(problems) }
        var copy = self
        copy.title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if case .success(let tags) = Tags.normalizeList(tags) { copy.tags = tags }
        return copy
    }

    private func problems(checkingDeadlineAgainst now: Date?) -> [FieldError] {
        var errors: [FieldError] = []
        let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.count > Self.maxTitle {
            errors.append(FieldError("title", "must be 1–\(Self.maxTitle) characters"))
        } else if Text.hasControlCharacters(trimmed, allowing: Text.joiners) {
            errors.append(FieldError("title", "must not contain control or invisible formatting characters"))
        }
        if description.count > Self.maxDescription {
            errors.append(FieldError("description", "must be at most \(Self.maxDescription) characters"))
        } else if Text.hasControlCharacters(description, allowing: Text.multiLine) {
            errors.append(FieldError("description", "must not contain control or invisible formatting characters other than line breaks and tabs"))
        }
        if case .failure(let failure) = Tags.normalizeList(tags) {
            errors.append(FieldError("tags", failure.message))
        }
        if !Self.capacityRange.contains(capacity) {
            errors.append(FieldError("capacity", "must be between 1 and 100000"))
        }
        if !Self.waitlistRange.contains(waitlistCapacity) {
            errors.append(FieldError("waitlistCapacity", "must be between 0 and 100000"))
        }
        if let now, regDeadline <= now {
            errors.append(FieldError("regDeadline", "must be in the future"))
        }
        if startDate < regDeadline {
            errors.append(FieldError("startDate", "must not be before regDeadline"))
        }
        if let rules = form.rules {
            if rules.count > RegistrationForm.maxRules {
                errors.append(FieldError("rules", "must be at most \(RegistrationForm.maxRules) characters"))
            } else if Text.hasControlCharacters(rules, allowing: Text.multiLine) {
                errors.append(FieldError("rules", "must not contain control or invisible formatting characters other than line breaks and tabs"))
            }
        }
        if let opensAt, opensAt >= regDeadline {
            errors.append(FieldError("opensAt", "must be before regDeadline"))
        }
        return errors
    }
}

extension Competition {
    public var content: CompetitionContent {
        CompetitionContent(
            title: title, description: description, tags: tags, capacity: capacity,
            regDeadline: regDeadline, startDate: startDate, waitlistCapacity: waitlistCapacity, form: form,
            timeZone: timeZone, opensAt: opensAt
        )
    }
}

extension RegistrationForm {
    /// Takes the draft's questions, rules and approval setting; returns the questions' problems
    /// (the rules' length is checked with the other fields).
    mutating func apply(_ draft: CompetitionDraft) -> [FieldError] {
        if let rules = draft.rules {
            let trimmed = rules?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            self.rules = trimmed.isEmpty ? nil : trimmed
        }
        if let requiresApproval = draft.requiresApproval { self.requiresApproval = requiresApproval }
        guard let raw = draft.questions else { return [] }
        switch QuestionList.parse(raw) {
        case .success(let parsed):
            questions = parsed
            return []
        case .failure(.validation(let errors)): return errors
        case .failure(let other): return [FieldError("questions", "\(other)")]
        }
    }
}
