import CompeteApp
import CompeteCore
import Foundation
import SQLKit
import Testing

/// Answers over a registration's life: idempotent replays with answers, changing them until
/// the deadline, questions locked once answered, and answers surviving a restart.
@Suite(.serialized) struct FormLifecycleTests {
    static var form: [String: Any] { ["questions": SampleForm.questions] }

    @Test(arguments: Backend.all)
    func idempotencyCoversTheAnswers(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, form: Self.form)
            let user = try await server.signup()
            let first = try await server.register(user, for: id, body: ["answers": SampleForm.valid], key: "form-key")
            #expect(first.status == 201)
            let replay = try await server.register(user, for: id, body: ["answers": SampleForm.valid], key: "form-key")
            #expect(replay.status == 201 && replay.body == first.body, "byte for byte")
            #expect(replay.headers.first(name: "Idempotent-Replayed") == "true")
            let other = try await server.register(user, for: id, body: ["answers": SampleForm.answers(["shirt": "L"])], key: "form-key")
            #expect(other.status == 422 && other.code == "idempotency_key_reused")
            // A refused form stores nothing under its key: the corrected one may use it.
            let second = try await server.signup()
            let refused = try await server.register(second, for: id, body: ["answers": SampleForm.answers(["age": 3])], key: "k2")
            #expect(refused.status == 400)
            let corrected = try await server.register(second, for: id, body: ["answers": SampleForm.valid], key: "k2")
            #expect(corrected.status == 201)
            #expect(try await server.registrationRows(id) == 2)
            #expect(try await server.outboxCount(topic: "registration:confirmation") == 2, "no second confirmation")
        }
    }

    @Test(arguments: Backend.all)
    func answersChangeUntilTheDeadline(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, form: Self.form)
            let user = try await server.signup()
            let path = "/api/competitions/\(id)/register"
            let notYet = try await server.request(.PATCH, path, token: user.token, json: ["answers": SampleForm.valid])
            #expect(notYet.status == 404 && notYet.code == "not_registered")
            #expect(try await server.register(user, for: id, body: ["answers": SampleForm.valid]).status == 201)
            let changed = try await server.request(.PATCH, path, token: user.token, json: ["answers": SampleForm.answers(["shirt": "L", "bio": nil])])
            #expect(changed.status == 200, "\(changed.text)")
            #expect((changed.json["answers"] as? [String: Any])?["shirt"] as? String == "L")
            #expect((changed.json["answers"] as? [String: Any])?["bio"] == nil, "an answer left out is removed")
            let invalid = try await server.request(.PATCH, path, token: user.token, json: ["answers": SampleForm.answers(["shirt": "XXL", "age": 1])])
            #expect(invalid.status == 400 && Set(invalid.fieldErrors.keys) == ["answers.shirt", "answers.age"])
            let mine = try await server.request(.GET, "/api/users/me/registrations", token: user.token).items.first
            #expect((mine?["answers"] as? [String: Any])?["shirt"] as? String == "L", "the refused change changed nothing")
            try await server.closeRegistration(id)
            let late = try await server.request(.PATCH, path, token: user.token, json: ["answers": SampleForm.valid])
            #expect(late.status == 409 && late.code == "registration_closed")
            let organizerTry = try await server.request(.PATCH, path, token: organizer.token, json: ["answers": SampleForm.valid])
            #expect(organizerTry.status == 403)
        }
    }

    @Test(arguments: Backend.all)
    func answeredQuestionsAreLocked(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let questions: [[String: Any]] = [
                ["id": "shirt", "label": "T-shirt", "type": "choice", "options": ["S", "M"]],
                ["id": "note", "label": "Note", "type": "text"],
            ]
            let id = try await server.createCompetition(by: organizer, form: ["questions": questions])
            func patch(_ questions: [[String: Any]]) async throws -> APIResponse {
                try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token, json: ["questions": questions])
            }
            // Before anyone registers, anything goes.
            #expect(try await patch(questions + [["id": "must", "label": "Must", "type": "checkbox", "required": true]]).status == 200)
            #expect(try await patch(questions).status == 200)
            let user = try await server.signup()
            #expect(try await server.register(user, for: id, body: ["answers": ["shirt": "M"]]).status == 201)

            let shirt = questions[0]
            let locked: [[[String: Any]]] = [
                [questions[1]],                                                                  // removed
                [["id": "shirt", "label": "T-shirt", "type": "text"], questions[1]],             // type changed
                [["id": "shirt", "label": "T-shirt", "type": "choice", "options": ["S"]], questions[1]], // option removed
                questions + [["id": "must", "label": "Must", "type": "checkbox", "required": true]],  // new required
                [shirt, ["id": "note", "label": "Note", "type": "text", "required": true]],      // became required
            ]
            for change in locked {
                let response = try await patch(change)
                #expect(response.status == 409 && response.code == "questions_locked", "\(change): \(response.text)")
            }
            let allowed: [[[String: Any]]] = [
                [["id": "shirt", "label": "Shirt size", "type": "choice", "options": ["S", "M", "L"]], questions[1]], // label, option added
                [["id": "shirt", "label": "Shirt size", "type": "choice", "options": ["S", "M", "L"]]],              // unanswered removed
                [["id": "extra", "label": "Extra", "type": "text"],
                 ["id": "shirt", "label": "Shirt size", "type": "choice", "options": ["S", "M", "L"]]],             // new optional, reordered
            ]
            for change in allowed {
                let response = try await patch(change)
                #expect(response.status == 200, "\(change): \(response.text)")
            }
            let final = try await server.competition(id)["questions"] as? [[String: Any]] ?? []
            #expect(final.map { $0["id"] as? String } == ["extra", "shirt"])
            // Once the only answer is withdrawn, the question is free again.
            #expect(try await server.request(.DELETE, "/api/competitions/\(id)/register", token: user.token).status == 200)
            #expect(try await patch([questions[1]]).status == 200)
        }
    }

    @Test(arguments: Backend.all)
    func registrantsCarryTheAnswers(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, form: Self.form)
            let user = try await server.signup()
            let answers = SampleForm.answers(["bio": "=HYPERLINK(\"x\")", "langs": ["go", "swift"]])
            #expect(try await server.register(user, for: id, body: ["answers": answers]).status == 201)
            let json = try await server.request(.GET, "/api/competitions/\(id)/registrations", token: organizer.token).items
            #expect((json.first?["answers"] as? [String: Any])?["bio"] as? String == "=HYPERLINK(\"x\")")
            let csv = try await server.request(.GET, "/api/competitions/\(id)/registrations?format=csv", token: organizer.token).text
            let lines = csv.split(separator: "\r\n").map(String.init)
            #expect(lines.first == "registrationId,status,registeredAt,userId,name,email,bio,age,shirt,langs,adult,school,born")
            #expect(lines.count == 2)
            #expect(lines.last?.hasSuffix(#","'=HYPERLINK(""x"")",30,M,swift; go,yes,ada@cs.school.edu,2000-02-29"#) == true,
                    "one column per question, in order, formula-safe: \(lines.last ?? "")")
        }
    }

    @Test(arguments: Backend.all)
    func answersSurviveARestart(backend: Backend) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mc-forms-\(UUID().uuidString)")
        let database = backend == .sqlite ? nil : try await PostgresTestDatabase.create()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sameStore: (inout AppConfig) -> Void = { config in
            config.dataDir = directory.path
            if let database { config.databaseURL = database.url }
        }
        let (user, id) = try await withServer(backend, configure: sameStore) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, form: Self.form)
            let user = try await server.signup()
            #expect(try await server.register(user, for: id, body: ["answers": SampleForm.valid]).status == 201)
            return (user, id)
        }
        try await withServer(backend, configure: sameStore) { server in
            let mine = try await server.request(.GET, "/api/users/me/registrations", token: user.token).items
            let answers = mine.first?["answers"] as? [String: Any] ?? [:]
            #expect(answers["age"] as? Int == 30 && answers["adult"] as? Bool == true)
            #expect(answers["langs"] as? [String] == ["swift", "rust"] && answers["born"] as? String == "2000-02-29")
            let questions = try await server.competition(id)["questions"] as? [[String: Any]] ?? []
            #expect(questions.count == SampleForm.questions.count)
        }
        try await database?.drop()
    }
}
