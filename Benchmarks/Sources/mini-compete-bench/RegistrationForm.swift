/// The registration form of the hot-form scenario: five questions of the kinds a real
/// competition asks (text, number, choice, checkbox, email with an allowed domain), all
/// required, and the answers every participant sends.
enum BenchForm {
    struct Question: Encodable, Sendable {
        let id: String
        let label: String
        let type: String
        let required = true
        var options: [String]?
        var min: Int?
        var max: Int?
        var allowedDomains: [String]?
    }

    struct Body: Encodable, Sendable {
        struct Answers: Encodable, Sendable {
            let team: String
            let age: Int
            let shirt: String
            let adult: Bool
            let email: String
        }

        let answers: Answers
    }

    static let questions = [
        Question(id: "team", label: "Team name", type: "text"),
        Question(id: "age", label: "Age", type: "number", min: 16, max: 99),
        Question(id: "shirt", label: "T-shirt size", type: "choice", options: ["XS", "S", "M", "L", "XL"]),
        Question(id: "adult", label: "I am 18 or older", type: "checkbox"),
        Question(id: "email", label: "School email", type: "email", allowedDomains: ["school.edu"]),
    ]

    static let answers = Body(answers: Body.Answers(
        team: "The Benchmarkers", age: 21, shirt: "M", adult: true, email: "bench@cs.school.edu"
    ))
}
