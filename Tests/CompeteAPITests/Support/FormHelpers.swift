import Foundation

/// A form with one question of every type, as the forms tests use it.
enum SampleForm {
    static var questions: [[String: Any]] { [
        ["id": "bio", "label": "About you", "type": "text", "maxLength": 20],
        ["id": "age", "label": "Age", "type": "number", "required": true, "min": 16, "max": 99],
        ["id": "shirt", "label": "T-shirt size", "type": "choice", "required": true, "options": ["S", "M", "L"]],
        ["id": "langs", "label": "Languages", "type": "multiChoice", "options": ["swift", "go", "rust"]],
        ["id": "adult", "label": "I am an adult", "type": "checkbox", "required": true],
        ["id": "school", "label": "School email", "type": "email", "required": true, "allowedDomains": ["school.edu"]],
        ["id": "born", "label": "Date of birth", "type": "date", "min": "1990-01-01", "max": "2010-12-31"],
    ] }

    /// Answers that pass every rule of `questions`.
    static var valid: [String: Any] { [
        "bio": "Hi", "age": 30, "shirt": "M", "langs": ["rust", "swift"], "adult": true,
        "school": "ada@cs.school.edu", "born": "2000-02-29",
    ] }

    static func answers(_ changes: [String: Any?]) -> [String: Any] {
        var answers = valid
        for (key, value) in changes { answers[key] = value }
        return answers
    }
}

extension TestServer {
    /// Creates a competition with a form (and the other fields given) and returns its id.
    func createCompetition(
        by organizer: TestUser, capacity: Int = 10, form: [String: Any], deadlineIn: TimeInterval = 7 * 86400
    ) async throws -> String {
        var body: [String: Any] = [
            "title": "Form Cup", "description": "", "capacity": capacity,
            "regDeadline": iso(Date().addingTimeInterval(deadlineIn)),
        ]
        body.merge(form) { _, new in new }
        let response = try await request(.POST, "/api/competitions", token: organizer.token, json: body)
        guard response.status == 201, let id = response.json["id"] as? String else {
            throw TestFailure("create competition failed: \(response.status) \(response.text)")
        }
        return id
    }

    func register(_ user: TestUser, for competitionId: String, body: [String: Any], key: String? = nil) async throws -> APIResponse {
        try await request(.POST, "/api/competitions/\(competitionId)/register", token: user.token, json: body,
                          headers: key.map { [("Idempotency-Key", $0)] } ?? [])
    }

    /// How many registrations the competition has in the database, whatever their status.
    func registrationRows(_ competitionId: String) async throws -> Int {
        try await count("SELECT COUNT(*) AS n FROM registrations WHERE competition_id = \(bind: UUID(uuidString: competitionId)!)")
    }
}

extension APIResponse {
    /// `field → message` of a validation problem.
    var fieldErrors: [String: String] {
        let errors = json["errors"] as? [[String: Any]] ?? []
        var result: [String: String] = [:]
        for error in errors {
            if let field = error["field"] as? String { result[field] = error["message"] as? String ?? "" }
        }
        return result
    }
}
