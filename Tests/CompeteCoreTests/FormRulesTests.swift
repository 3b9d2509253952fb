@testable import CompeteCore
import Foundation
import Testing

/// The pure rules of registration forms: days, email domains, canonical answers, and what an
/// edit of the questions may change once answers exist.
@Suite struct FormRulesTests {
    @Test(arguments: [
        ("2000-02-29", true), ("1900-02-29", false), ("2024-02-29", true), ("2023-02-29", false), ("2026-04-31", false),
        ("2026-12-31", true), ("0000-01-01", false), ("2026-1-01", false), ("2026-01-01T00:00", false), ("２０２６-01-01", false),
    ])
    func days(text: String, valid: Bool) {
        #expect(FormDate.isValid(text) == valid, "\(text)")
    }

    @Test func domainsAndLookAlikes() {
        let allowed = ["school.edu"]
        for email in ["a@school.edu", "a@cs.school.edu", "a@A.B.SCHOOL.EDU"] {
            #expect(EmailDomain.isWithin(email, allowed: allowed), "\(email)")
        }
        for email in ["a@school.edu.evil.test", "a@evilschool.edu", "a@school.edux", "a@edu", "school.edu"] {
            #expect(!EmailDomain.isWithin(email, allowed: allowed), "\(email)")
        }
        #expect(EmailDomain.normalized("@School.EDU") == "school.edu")
        for bad in ["edu", "-a.edu", "a..edu", "a b.edu", "ä.edu", String(repeating: "a", count: 64) + ".edu"] {
            #expect(EmailDomain.normalized(bad) == nil, "\(bad)")
        }
    }

    @Test func answersHaveOneStoredForm() {
        let answers = Answers(["n": .number(30), "x": .number(2.5), "b": .bool(false), "l": .list(["b", "a"]), "t": .text("é/\"")])
        #expect(answers.canonicalJSON == #"{"b":false,"l":["b","a"],"n":30,"t":"é/\"","x":2.5}"#)
        #expect(Answers(canonicalJSON: answers.canonicalJSON) == answers)
        #expect(Answers(canonicalJSON: "[1]") == nil)
    }

    @Test func editsThatWouldInvalidateAnswersAreLocked() throws {
        let shirt = Question(id: "shirt", label: "Shirt", type: .choice, options: ["S", "M"])
        let note = Question(id: "note", label: "Note", type: .text, maxLength: 500)
        let used = FormUsage(answeredQuestionIds: ["shirt"], activeRegistrations: 2)
        var relabelled = shirt
        relabelled.label = "Size"
        relabelled.options = ["S", "M", "L"]
        try RegistrationForm.checkChange(from: [shirt, note], to: [relabelled], usage: used)
        var retyped = shirt
        retyped.type = .multiChoice
        for change in [[note], [retyped], [Question(id: "shirt", label: "Shirt", type: .choice, options: ["M"])],
                       [shirt, Question(id: "new", label: "New", type: .checkbox, required: true)]] {
            #expect(throws: DomainError.self) { try RegistrationForm.checkChange(from: [shirt, note], to: change, usage: used) }
        }
        // Nobody registered yet: anything goes.
        try RegistrationForm.checkChange(from: [shirt], to: [Question(id: "new", label: "New", type: .checkbox, required: true)], usage: FormUsage())
    }
}
