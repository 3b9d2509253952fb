/// The registration form of the hot-form scenario: five required questions of the kinds a real
/// competition asks, each with a rule that costs something to check (text length, choice
/// membership, email domain — eligibility by school —, a checkbox that must be ticked, a date
/// range — eligibility by age), and rules every participant must accept.
enum BenchForm {
    struct Question: Encodable, Sendable {
        let id: String
        let label: String
        let type: String
        let required = true
        var maxLength: Int?
        var options: [String]?
        var allowedDomains: [String]?
        /// Dates (`YYYY-MM-DD`): only the date question has bounds here.
        var min: String?
        var max: String?
    }

    struct Body: Encodable, Sendable {
        struct Answers: Encodable, Sendable {
            let team: String
            let shirt: String
            let email: String
            let photos: Bool
            let born: String
        }

        let answers: Answers
        let acceptRules: Bool
    }

    static let questions = [
        Question(id: "team", label: "Team name", type: "text", maxLength: 200),
        Question(id: "shirt", label: "T-shirt size", type: "choice", options: ["XS", "S", "M", "L", "XL"]),
        Question(id: "email", label: "School email", type: "email", allowedDomains: ["school.edu"]),
        Question(id: "photos", label: "I agree to be photographed", type: "checkbox"),
        Question(id: "born", label: "Date of birth", type: "date", min: "1900-01-01", max: "2010-12-31"),
    ]

    static let rules = "Be kind. One registration per person. The organizer's decisions are final."

    static let answers = Body(answers: Body.Answers(
        team: "The Benchmarkers", shirt: "M", email: "bench@cs.school.edu", photos: true, born: "2004-02-29"
    ), acceptRules: true)
}
