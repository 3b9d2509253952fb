import Foundation
import Testing

/// Registration forms (API.md "Registration forms"): every rule a question sets, all problems
/// reported at once by field, hostile bodies refused with nothing written — on every backend.
@Suite(.serialized) struct FormValidationTests {
    static let rules = "Be kind."

    func setUp(_ server: TestServer) async throws -> (TestUser, String) {
        let organizer = try await server.signup(role: "organizer")
        let id = try await server.createCompetition(by: organizer, capacity: 100, form: ["questions": SampleForm.questions, "rules": Self.rules])
        return (organizer, id)
    }

    @Test(arguments: Backend.all)
    func competitionCarriesTheForm(backend: Backend) async throws {
        try await withServer(backend) { server in
            let (_, id) = try await setUp(server)
            let competition = try await server.competition(id)
            let questions = competition["questions"] as? [[String: Any]] ?? []
            #expect(questions.map { $0["id"] as? String } == SampleForm.questions.map { $0["id"] as? String }, "in order")
            #expect(questions[0]["maxLength"] as? Int == 20 && questions[2]["options"] as? [String] == ["S", "M", "L"])
            #expect(questions[4]["required"] as? Bool == true && questions[4]["options"] == nil, "keys of other types absent")
            #expect(questions[6]["min"] as? String == "1990-01-01" && questions[1]["max"] as? Int == 99)
            #expect(competition["rules"] as? String == Self.rules && competition["requiresApproval"] as? Bool == false)
            // A competition without a form says so explicitly.
            let organizer = try await server.signup(role: "organizer")
            let plain = try await server.competition(try await server.createCompetition(by: organizer))
            #expect(plain["questions"] as? [Any] != nil && (plain["questions"] as? [Any])?.isEmpty == true)
            #expect(plain["rules"] is NSNull && plain["requiresApproval"] as? Bool == false)
            // A text question without maxLength gets the default, stated.
            let patched = try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token, json: [
                "questions": [["id": "note", "label": "Note", "type": "text"]],
            ])
            #expect(patched.status == 403, "another organizer's competition")
            let own = try await server.createCompetition(by: organizer, form: ["questions": [["id": "note", "label": "Note", "type": "text"]]])
            #expect((try await server.competition(own)["questions"] as? [[String: Any]])?.first?["maxLength"] as? Int == 500)
        }
    }

    @Test(arguments: Backend.all)
    func validAnswersAreStoredCanonically(backend: Backend) async throws {
        try await withServer(backend) { server in
            let (organizer, id) = try await setUp(server)
            let user = try await server.signup()
            let answer = try await server.register(user, for: id, body: ["answers": SampleForm.valid, "acceptRules": true])
            #expect(answer.status == 201, "\(answer.text)")
            let listed = try await server.request(.GET, "/api/competitions/\(id)/registrations", token: organizer.token).items
            let answers = listed.first?["answers"] as? [String: Any] ?? [:]
            #expect(answers["langs"] as? [String] == ["swift", "rust"], "multiple choices in the options' order")
            #expect(answers["age"] as? Int == 30 && answers["adult"] as? Bool == true && answers["born"] as? String == "2000-02-29")
            #expect(answers["school"] as? String == "ada@cs.school.edu", "a subdomain of an allowed domain is accepted")
            let stored = try await server.sql.raw("""
                SELECT answers FROM registrations WHERE competition_id = \(bind: UUID(uuidString: id)!)
                """).first()?.decode(column: "answers", as: String.self)
            #expect(stored == #"{"adult":true,"age":30,"bio":"Hi","born":"2000-02-29","langs":["swift","rust"],"school":"ada@cs.school.edu","shirt":"M"}"#)
        }
    }

    @Test(arguments: Backend.all)
    func everyProblemIsReportedAtOnce(backend: Backend) async throws {
        try await withServer(backend) { server in
            let (_, id) = try await setUp(server)
            let user = try await server.signup()
            let wrongValues = try await server.register(user, for: id, body: ["answers": [
                "bio": String(repeating: "x", count: 21), "age": 15, "shirt": "XL", "langs": ["swift", "cobol"], "adult": false,
                "school": "ada@school.edu.evil.test", "born": "1989-12-31", "nope": 1,
            ]])
            #expect(wrongValues.status == 400 && wrongValues.code == "validation_failed")
            #expect(Set(wrongValues.fieldErrors.keys) == [
                "answers.bio", "answers.age", "answers.shirt", "answers.langs", "answers.adult", "answers.school", "answers.born",
                "answers.nope", "acceptRules",
            ])
            #expect(wrongValues.fieldErrors["answers.nope"] == "is not a question of this competition")
            #expect(wrongValues.fieldErrors["answers.age"] == "must be at least 16")
            #expect(wrongValues.fieldErrors["answers.born"] == "must be on or after 1990-01-01")

            let wrongTypes = try await server.register(user, for: id, body: ["acceptRules": "yes", "answers": [
                "bio": 5, "age": "30", "shirt": ["M"], "langs": "swift", "adult": "yes", "school": 7, "born": 20000101,
            ]])
            #expect(wrongTypes.status == 400)
            #expect(wrongTypes.fieldErrors["answers.age"] == "must be a number, not text")
            #expect(wrongTypes.fieldErrors["answers.adult"] == "must be a boolean, not text")
            #expect(wrongTypes.fieldErrors["answers.langs"] == "must be a list of options, not text")
            #expect(wrongTypes.fieldErrors["acceptRules"] == "must be a boolean, not text")
            #expect(wrongTypes.fieldErrors.count == 8)

            let empty = try await server.register(user, for: id, body: [:])
            #expect(Set(empty.fieldErrors.keys) == ["answers.age", "answers.shirt", "answers.adult", "answers.school", "acceptRules"])
            #expect(empty.fieldErrors["answers.age"] == "is required")
            let noBody = try await server.request(.POST, "/api/competitions/\(id)/register", token: user.token)
            #expect(noBody.status == 400 && noBody.fieldErrors["acceptRules"] != nil)
            for notObject in [[] as Any, "x", 3] {
                let response = try await server.register(user, for: id, body: ["answers": notObject, "acceptRules": true])
                #expect(response.status == 400 && response.fieldErrors["answers"] != nil)
            }
            #expect(try await server.registrationRows(id) == 0, "nothing written")
            // No competition, no form: not_found, whatever the answers.
            let missing = try await server.register(user, for: UUID().uuidString, body: ["answers": ["x": 1]])
            #expect(missing.status == 404 && missing.code == "not_found")
        }
    }

    /// Each rule alone: accepted and refused values side by side.
    @Test(arguments: Backend.all)
    func eachRuleAcceptsAndRefuses(backend: Backend) async throws {
        try await withServer(backend) { server in
            let (_, id) = try await setUp(server)
            let cases: [(String, Any, Bool)] = [
                ("school", "ada@school.edu", true), ("school", "ADA@CS.School.EDU", true), ("school", "ada@evilschool.edu", false),
                ("school", "ada@school.edu.evil.test", false), ("school", "ada@school.edu@evil.test", false), ("school", "not an email", false),
                ("born", "1990-01-01", true), ("born", "2010-12-31", true), ("born", "2011-01-01", false), ("born", "2001-02-29", false),
                ("born", "2000-1-01", false), ("born", "01/02/2000", false),
                ("age", 16, true), ("age", 99, true), ("age", 99.5, false), ("age", 15.99, false), ("age", 1e300, false),
                ("shirt", "m", false), ("shirt", "L", true), ("langs", [] as [String], true), ("langs", ["go", "go"], false),
                ("bio", String(repeating: "é", count: 20), true), ("bio", "tab\tand\nline", true), ("bio", "bell\u{7}", false),
                ("bio", "bidi\u{202E}txt", false), ("adult", false, false), ("bio", "   ", true),
            ]
            for (field, value, accepted) in cases {
                let user = try await server.signup()
                let response = try await server.register(user, for: id, body: [
                    "answers": SampleForm.answers([field: value]), "acceptRules": true,
                ])
                #expect(response.status == (accepted ? 201 : 400), "\(field) = \(value): \(response.text)")
                if !accepted { #expect(Set(response.fieldErrors.keys) == ["answers.\(field)"], "\(field) = \(value)") }
            }
            #expect(try await server.registrationRows(id) == cases.filter(\.2).count)
        }
    }

    @Test(arguments: Backend.all)
    func hostileBodiesWriteNothing(backend: Backend) async throws {
        try await withServer(backend) { server in
            let (_, id) = try await setUp(server)
            let user = try await server.signup()
            var many: [String: Any] = [:]
            for index in 0..<10_000 { many["q\(index)"] = index }
            let tenThousand = try await server.register(user, for: id, body: ["answers": many, "acceptRules": true])
            #expect((400..<500).contains(tenThousand.status) && tenThousand.isProblem)
            var thirtyOne: [String: Any] = [:]
            for index in 0..<31 { thirtyOne["q\(index)"] = index }
            let tooMany = try await server.register(user, for: id, body: ["answers": thirtyOne, "acceptRules": true])
            #expect(tooMany.status == 400 && tooMany.fieldErrors["answers"] == "must hold at most 30 answers")
            let huge = try await server.register(user, for: id, body: [
                "answers": SampleForm.answers(["bio": String(repeating: "x", count: 60_000)]), "acceptRules": true,
            ])
            #expect(huge.status == 400 && huge.fieldErrors["answers.bio"] == "must be at most 20 characters")
            let longId = String(repeating: "k", count: 5_000) + "\u{0}\u{202E}"
            let unknown = try await server.register(user, for: id, body: ["answers": SampleForm.answers([longId: 1]), "acceptRules": true])
            #expect(unknown.status == 400)
            #expect(unknown.fieldErrors.keys.allSatisfy { $0.count < 80 && !$0.contains("\u{0}") }, "field names stay short and printable")
            let nested = Array(String(repeating: "[", count: 5_000).utf8)
            let deep = try await server.request(.POST, "/api/competitions/\(id)/register", token: user.token,
                                                raw: Array(#"{"answers":{"bio":"#.utf8) + nested)
            #expect((400..<500).contains(deep.status))
            let control = try await server.register(user, for: id, body: [
                "answers": SampleForm.answers(["shirt": "M\u{0}"]), "acceptRules": true,
            ])
            #expect(control.status == 400)
            #expect(try await server.registrationRows(id) == 0, "nothing written")
        }
    }

    @Test(arguments: Backend.all)
    func organizersQuestionsAreValidated(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let bad: [Any] = [
                ["id": "Bad Id", "label": "", "type": "text", "maxLength": 5000],
                ["id": "c", "label": "Pick", "type": "choice", "options": []],
                ["id": "c", "label": "Again", "type": "color"],
                ["id": "n", "label": "N", "type": "number", "min": 5, "max": 1, "options": ["x"]],
                ["id": "d", "label": "D", "type": "date", "min": "2020-02-30"],
                ["id": "e", "label": "E", "type": "email", "allowedDomains": ["not a domain"], "ignored": 1],
                "not an object",
            ]
            let response = try await server.request(.POST, "/api/competitions", token: organizer.token, json: [
                "title": "Bad form", "capacity": 5, "regDeadline": iso(Date().addingTimeInterval(3600)), "questions": bad,
                "rules": String(repeating: "r", count: 20_001),
            ])
            #expect(response.status == 400)
            let fields = Set(response.fieldErrors.keys)
            #expect(!fields.contains("questions[5].ignored"), "unknown keys are ignored")
            for field in [
                "questions[0].id", "questions[0].label", "questions[0].maxLength", "questions[1].options", "questions[2].type",
                "questions[3].max", "questions[3].options", "questions[4].min", "questions[5].allowedDomains[0]",
                "questions[6]", "rules",
            ] {
                #expect(fields.contains(field), "\(field) in \(fields)")
            }
            let thirtyOne = (0..<31).map { ["id": "q\($0)", "label": "Q", "type": "checkbox"] as [String: Any] }
            let tooMany = try await server.request(.POST, "/api/competitions", token: organizer.token, json: [
                "title": "Many", "capacity": 5, "regDeadline": iso(Date().addingTimeInterval(3600)), "questions": thirtyOne,
            ])
            #expect(tooMany.status == 400 && tooMany.fieldErrors["questions"] != nil)
            let duplicate = try await server.request(.POST, "/api/competitions", token: organizer.token, json: [
                "title": "Dup", "capacity": 5, "regDeadline": iso(Date().addingTimeInterval(3600)),
                "questions": [["id": "a", "label": "A", "type": "checkbox"], ["id": "a", "label": "B", "type": "checkbox"]],
            ])
            #expect(duplicate.status == 400 && duplicate.fieldErrors["questions[1].id"] != nil)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM competitions") == 0)
        }
    }
}
