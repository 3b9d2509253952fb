import Foundation

/// One question of a registration form, as the API takes it (see "Registration forms" in the
/// API contract); `min`/`max` only as dates here.
struct FormQuestion: Encodable, Sendable {
    let id: String
    let label: String
    let type: String
    let required: Bool
    var options: [String]? = nil
    var maxLength: Int? = nil
    var allowedDomains: [String]? = nil
    var min: String? = nil
    var max: String? = nil
}

/// The five-question form of the forms measurement: one question of each kind that costs
/// something to validate (text length, choice membership, email domain, checkbox, date range),
/// plus rules that must be accepted.
enum BenchForm {
    static let questions: [FormQuestion] = [
        FormQuestion(id: "team", label: "Team or school name", type: "text", required: true, maxLength: 200),
        FormQuestion(id: "track", label: "Track", type: "choice", required: true,
                     options: ["beginner", "intermediate", "advanced", "open"]),
        FormQuestion(id: "email", label: "School email", type: "email", required: true,
                     allowedDomains: ["bench.test", "school.example"]),
        FormQuestion(id: "consent", label: "I may be photographed", type: "checkbox", required: true),
        FormQuestion(id: "born", label: "Date of birth", type: "date", required: true,
                     min: "1900-01-01", max: "2020-12-31"),
    ]

    static let rules = "Be kind. One registration per person. The organizer's decisions are final."

    /// The register body of participant `index`: every answer valid, rules accepted.
    struct Body: Encodable, Sendable {
        struct Answers: Encodable, Sendable {
            let team: String
            let track: String
            let email: String
            let consent: Bool
            let born: String
        }

        let answers: Answers
        let acceptRules: Bool
    }

    static func body(_ index: Int) -> Body {
        Body(
            answers: .init(team: "Bench team \(index % 97)", track: ["beginner", "intermediate", "advanced", "open"][index % 4],
                           email: "p\(index)@students.bench.test", consent: true,
                           born: "20\(String(format: "%02d", index % 10))-0\(1 + index % 9)-1\(index % 10)"),
            acceptRules: true
        )
    }
}

extension Scenarios {
    /// forms: the hot path twice, side by side in one run: `count` registrations at a competition
    /// without a form, then `count` at one with `BenchForm` (answers validated, stored with the
    /// registration, part of the idempotency fingerprint). Same participants, same concurrency.
    func forms(count: Int) async throws -> [(LoadResult, Verification)] {
        let plain = try await client.createCompetitions(
            1, capacity: count, title: "Form-none \(run)", organizer: fixtures.organizer, concurrency: 1
        )[0]
        let formed = try await client.createCompetitions(
            1, capacity: count, title: "Form-5q \(run)", organizer: fixtures.organizer, concurrency: 1,
            questions: BenchForm.questions, rules: BenchForm.rules
        )[0]
        let state = try await client.expect(200, try client.request(.GET, "/competitions/\(formed)"), as: CompetitionState.self)
        guard state.questions?.count == BenchForm.questions.count else {
            throw BenchError(description: "forms: this server has no registration forms (a competition created with "
                + "5 questions came back with \(state.questions.map { "\($0.count)" } ?? "no") questions); "
                + "run the forms scenario against a build with the forms branch merged")
        }
        var outcomes: [(LoadResult, Verification)] = []
        let answers: @Sendable (Int) -> any Encodable & Sendable = { BenchForm.body($0) }
        for (name, competition, withForm) in [("form-none", plain, false), ("form-5q", formed, true)] {
            let result = try await register(name, count: count, competition: { _ in competition },
                                            body: withForm ? answers : nil)
            var verification = Verification()
            verification.expect("answers 201", result.count("201"), equals: count)
            verification.expect("registeredCount", try await client.registeredCount(competition), equals: count)
            outcomes.append((result, verification))
        }
        return outcomes
    }
}
