import Foundation

/// How a competition's form is used by its active (pending, confirmed, waitlisted)
/// registrations, read under the competition's lock when its questions change.
public struct FormUsage: Sendable, Equatable {
    /// Questions that at least one active registration has answered.
    public var answeredQuestionIds: Set<String>
    public var activeRegistrations: Int

    public init(answeredQuestionIds: Set<String> = [], activeRegistrations: Int = 0) {
        self.answeredQuestionIds = answeredQuestionIds
        self.activeRegistrations = activeRegistrations
    }
}

extension RegistrationForm {
    /// Editing never silently invalidates stored answers (409 `questions_locked`): an answered
    /// question keeps its id, its type and every option that may have been chosen; once anyone
    /// has registered, new questions must be optional and none may become required (the people
    /// already in could not have answered). Labels, added options, new optional questions,
    /// order and limits for future answers may change.
    public static func checkChange(from old: [Question], to new: [Question], usage: FormUsage) throws {
        let next = Dictionary(new.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for question in old where usage.answeredQuestionIds.contains(question.id) {
            guard let changed = next[question.id] else {
                throw DomainError.questionsLocked("question \(question.id) already has answers and cannot be removed")
            }
            if changed.type != question.type {
                throw DomainError.questionsLocked("question \(question.id) already has answers and cannot change its type")
            }
            let kept = Set(changed.options ?? [])
            if let removed = (question.options ?? []).first(where: { !kept.contains($0) }) {
                throw DomainError.questionsLocked("option \"\(removed)\" of question \(question.id) may have been chosen and cannot be removed")
            }
        }
        guard usage.activeRegistrations > 0 else { return }
        let previous = Dictionary(old.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for question in new where question.required && previous[question.id]?.required != true {
            throw DomainError.questionsLocked(
                "question \(question.id) cannot be required: \(usage.activeRegistrations) people registered without answering it")
        }
    }
}
