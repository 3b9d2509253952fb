import Foundation
import SQLKit
import Testing

/// The registration form in the web UI: every question with its HTML validation attributes,
/// all problems at once next to their fields with what was typed, answers changed later; the
/// organizer's question builder; the pending list with approve and decline.
@Suite(.serialized) struct WebFormTests {
    func signUp(_ web: WebClient, role: String) async throws {
        _ = try await web.get("/signup")
        let name = role == "organizer" ? "Olga" : "Pat"
        let response = try await web.post("/signup", [
            "name": name, "email": "\(UUID().uuidString.prefix(8).lowercased())@example.com", "password": "password123", "role": role,
        ])
        #expect(response.status == 303)
    }

    @Test(arguments: Backend.all)
    func participantFormShowsEveryQuestionAndEveryProblem(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, capacity: 5, form: [
                "questions": SampleForm.questions, "rules": "No <script> please & be kind.",
            ])
            let web = WebClient(base: server.webURL)
            try await signUp(web, role: "participant")
            let page = try await web.get("/competitions/\(id)")
            let html = page.text
            #expect(html.contains("No &lt;script&gt; please &amp; be kind."), "rules shown, escaped")
            #expect(html.contains(#"id="q-age" name="a.age" type="number""#) && html.contains(#"min="16""#) && html.contains(#"max="99""#))
            #expect(html.contains(#"name="a.bio" type="text" value="" maxlength="20""#))
            #expect(html.contains(#"name="a.school" type="email""#) && html.contains("an address at school.edu, or a subdomain"))
            #expect(html.contains(#"name="a.born" type="date" value="" min="1990-01-01" max="2010-12-31""#))
            #expect(html.contains(#"<select id="q-shirt" name="a.shirt" required>"#))
            #expect(html.contains(#"name="a.langs[]" value="rust""#) && html.contains(#"id="q-adult" name="a.adult" value="yes" required"#))
            #expect(html.contains(#"id="acceptRules" name="acceptRules" value="yes" required"#))

            let key = try #require(web.hidden("idempotencyKey"))
            let refused = try await web.post("/competitions/\(id)/register", [
                "idempotencyKey": key, "a.bio": "far too long for twenty", "a.age": "twelve", "a.shirt": "M",
                "a.school": "ada@school.edu.evil.test", "a.born": "1980-05-05",
            ])
            #expect(refused.status == 400)
            let text = refused.text
            for message in [
                "About you must be at most 20 characters.", "Age must be a number, not text.", "I am an adult is required.",
                "School email must be an address at school.edu (or a subdomain).", "Date of birth must be on or after 1990-01-01.",
                "You must accept the rules to register.",
            ] {
                #expect(text.contains(message), "\(message)")
            }
            #expect(text.contains(#"value="ada@school.edu.evil.test""#) && text.contains(#"value="twelve""#), "what was typed is kept")
            #expect(text.contains(#"<option value="M" selected>"#))
            #expect(text.contains(#"aria-describedby="q-school-error""#))
            #expect(try await server.registrationRows(id) == 0)

            let accepted = try await web.post("/competitions/\(id)/register", [
                "idempotencyKey": key, "a.age": "30", "a.shirt": "M", "a.adult": "yes", "a.school": "ada@cs.school.edu",
                "a.langs[]": "go", "acceptRules": "yes",
            ])
            #expect(accepted.status == 303)
            #expect(try await server.confirmedCount(id) == 1)

            // Later: the answers, changed until the deadline.
            let registered = try await web.get("/competitions/\(id)")
            #expect(registered.text.contains("Your answers") && registered.text.contains(#"value="ada@cs.school.edu""#))
            let badChange = try await web.post("/competitions/\(id)/answers", [
                "a.age": "30", "a.shirt": "XXL", "a.adult": "yes", "a.school": "ada@cs.school.edu",
            ])
            #expect(badChange.status == 400 && badChange.text.contains("T-shirt size must be one of the options."))
            let change = try await web.post("/competitions/\(id)/answers", [
                "a.age": "31", "a.shirt": "L", "a.adult": "yes", "a.school": "ada@cs.school.edu",
            ])
            #expect(change.status == 303)
            let stored = try await server.sql.raw("""
                SELECT answers FROM registrations WHERE competition_id = \(bind: UUID(uuidString: id)!)
                """).first()?.decode(column: "answers", as: String.self)
            #expect(stored == #"{"adult":true,"age":31,"school":"ada@cs.school.edu","shirt":"L"}"#)
            try await server.closeRegistration(id)
            let late = try await web.post("/competitions/\(id)/answers", ["a.age": "40"])
            #expect(late.status == 303, "refused with a flash after the deadline")
            #expect(!(try await web.get("/competitions/\(id)")).text.contains("Save answers"))
        }
    }

    @Test(arguments: Backend.all)
    func organizerBuildsTheForm(backend: Backend) async throws {
        try await withServer(backend) { server in
            let web = WebClient(base: server.webURL)
            try await signUp(web, role: "organizer")
            let blank = try await web.get("/organizer/competitions/new")
            #expect(blank.text.contains(#"name="questionRows" value="3""#) && blank.text.contains(#"id="q2_label""#))
            let key = try #require(web.hidden("idempotencyKey"))
            var fields = [
                "title": "Built Cup", "capacity": "10", "regDeadline": Formatting.input(Date().addingTimeInterval(86400)),
                "idempotencyKey": key, "questionRows": "3", "rules": "Play fair.", "requiresApproval": "on",
                "q0_id": "shirt", "q0_label": "T-shirt size", "q0_type": "choice", "q0_options": "S\r\nM\r\nL", "q0_required": "on",
                "q1_id": "school", "q1_label": "School email", "q1_type": "email", "q1_domains": "school.edu",
                "q2_id": "", "q2_label": "",
            ]
            // Moving a row re-renders the form rearranged and saves nothing.
            var moving = fields
            moving["move"] = "down:0"
            let moved = try await web.post("/organizer/competitions", moving)
            #expect(moved.status == 200)
            #expect(moved.text.range(of: #"name="q0_id" value="school""#) != nil && moved.text.range(of: #"name="q1_id" value="shirt""#) != nil)
            #expect(try await server.count("SELECT COUNT(*) AS n FROM competitions") == 0)
            var bad = fields
            bad["q1_id"] = "School Email"
            bad["q0_options"] = ""
            let refused = try await web.post("/organizer/competitions", bad)
            #expect(refused.status == 400 && refused.text.contains("id must be 1–40 characters of a-z, 0-9, _ and -."))
            #expect(refused.text.contains("options must be a list of 1–50 options."))
            #expect(refused.text.contains(#"value="T-shirt size""#), "rows keep what was typed")
            fields["q2_id"] = "age"
            fields["q2_label"] = "Age"
            fields["q2_type"] = "number"
            fields["q2_min"] = "16"
            let created = try await web.post("/organizer/competitions", fields)
            #expect(created.status == 303, "\(created.text.prefix(300))")
            let id = try #require(created.headers.first(name: "Location")?.split(separator: "/").last.map(String.init))
            let competition = try await server.competition(id)
            let questions = competition["questions"] as? [[String: Any]] ?? []
            try #require(questions.map { $0["id"] as? String } == ["shirt", "school", "age"])
            #expect(questions[0]["options"] as? [String] == ["S", "M", "L"] && questions[0]["required"] as? Bool == true)
            #expect(questions[1]["allowedDomains"] as? [String] == ["school.edu"] && questions[2]["min"] as? Int == 16)
            #expect(competition["rules"] as? String == "Play fair." && competition["requiresApproval"] as? Bool == true)

            let edit = try await web.get("/organizer/competitions/\(id)/edit")
            #expect(edit.text.contains(#"name="questionRows" value="6""#) && edit.text.contains(#"name="q2_id" value="age""#))
        }
    }

    @Test(arguments: Backend.all)
    func organizerApprovesAndDeclinesFromThePendingList(backend: Backend) async throws {
        try await withServer(backend) { server in
            let web = WebClient(base: server.webURL)
            try await signUp(web, role: "organizer")
            _ = try await web.get("/organizer/competitions/new")
            let created = try await web.post("/organizer/competitions", [
                "title": "Approval Cup", "capacity": "1", "regDeadline": Formatting.input(Date().addingTimeInterval(86400)),
                "idempotencyKey": web.hidden("idempotencyKey") ?? "", "requiresApproval": "on", "questionRows": "0",
            ])
            let id = try #require(created.headers.first(name: "Location")?.split(separator: "/").last.map(String.init))
            var registrations: [String] = []
            for _ in 0..<3 {
                let user = try await server.signup()
                registrations.append(try await server.register(user, for: id).json["registrationId"] as? String ?? "")
            }
            let list = try await web.get("/organizer/competitions/\(id)/registrants")
            #expect(list.text.contains("Waiting for your approval") && list.text.contains(#"value="approve:\#(registrations[0])""#))
            let one = try await web.post("/organizer/competitions/\(id)/decisions", ["one": "approve:\(registrations[0])"])
            #expect(one.status == 303)
            #expect(try await server.confirmedCount(id) == 1)
            // The selection: the two others declined at once, with a reason.
            _ = try await web.get("/organizer/competitions/\(id)/registrants")
            let fields = ["bulk": "decline", "reason": "Only one seat, sorry.", "ids[]": registrations[1]]
            #expect(try await web.post("/organizer/competitions/\(id)/decisions", fields).status == 303)
            let declined = try await server.count("""
                SELECT COUNT(*) AS n FROM registrations WHERE status = 'declined' AND decline_reason = 'Only one seat, sorry.'
                """)
            #expect(declined == 1)
            let full = try await web.post("/organizer/competitions/\(id)/decisions", ["one": "approve:\(registrations[2])"])
            #expect(full.status == 303)
            let flashed = try await web.get("/organizer/competitions/\(id)/registrants")
            #expect(flashed.text.contains("0 approved; the others were not: Every seat of this competition is taken."))

            // The declined participant sees it, with the reason, in My registrations.
            let participant = try await server.signup()
            let pendingId = try await server.register(participant, for: id).json["registrationId"] as? String ?? ""
            _ = try await web.get("/organizer/competitions/\(id)/registrants")
            _ = try await web.post("/organizer/competitions/\(id)/decisions", ["one": "decline:\(pendingId)", "reason": "Full, sorry."])
            let theirs = WebClient(base: server.webURL)
            theirs.setCookie("mc_session", participant.token)
            let mine = try await theirs.get("/me/registrations")
            #expect(mine.text.contains("declined") && mine.text.contains("Reason: Full, sorry."))
            let page = try await theirs.get("/competitions/\(id)")
            #expect(page.text.contains("The organizer declined your registration. Reason: Full, sorry."))
        }
    }
}

/// `datetime-local` values, as a browser sends them.
enum Formatting {
    static func input(_ date: Date) -> String {
        String(date.formatted(.iso8601).prefix(16))
    }
}
