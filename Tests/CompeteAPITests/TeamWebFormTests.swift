import Foundation
import Testing

/// The web's team forms ask the competition's registration form like the individual one: the
/// captain creating a team and every invitee joining it answer the questions and accept the
/// rules; a refused form comes back (400) with every problem and what was typed.
@Suite(.serialized) struct TeamWebFormTests {
    func signedIn(_ server: TestServer) async throws -> WebClient {
        let web = WebClient(base: server.webURL)
        _ = try await web.get("/signup")
        let response = try await web.post("/signup", [
            "name": "Pat", "email": "\(UUID().uuidString.prefix(8).lowercased())@example.com", "password": "password123",
            "role": "participant",
        ])
        #expect(response.status == 303)
        return web
    }

    @Test(arguments: Backend.all)
    func captainsAndInviteesAnswerTheForm(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createTeamCompetition(by: organizer)
            #expect(try await server.askShirtAndRules(id, by: organizer).status == 200)

            let captain = try await signedIn(server)
            let page = try await captain.get("/competitions/\(id)")
            #expect(page.text.contains(#"id="create-team-form""#) && page.text.contains(#"<select id="q-shirt" name="a.shirt" required>"#))
            #expect(page.text.contains(#"id="acceptRules" name="acceptRules" value="yes" required"#))
            let key = try #require(captain.hidden("idempotencyKey"))
            let refused = try await captain.post("/competitions/\(id)/teams", ["idempotencyKey": key, "name": "Night Owls"])
            #expect(refused.status == 400)
            #expect(refused.text.contains("T-shirt is required.") && refused.text.contains("You must accept the rules to register."))
            #expect(refused.text.contains(#"value="Night Owls""#), "the typed team name is kept")
            let created = try await captain.post("/competitions/\(id)/teams", [
                "idempotencyKey": key, "name": "Night Owls", "a.shirt": "M", "acceptRules": "yes",
            ])
            #expect(created.status == 303 && created.headers.first(name: "Location")?.hasPrefix("/teams/") == true)

            let teams = try await server.request(.GET, "/api/competitions/\(id)/registrations", token: organizer.token).items
            #expect(teams.count == 1 && (teams.first?["answers"] as? [String: String])?["shirt"] == "M")
            let teamId = try #require((teams.first?["team"] as? [String: Any])?["id"] as? String)
            let code = try #require(try await server.request(.GET, "/api/teams/\(teamId)", token: organizer.token).inviteCode)

            let invitee = try await signedIn(server)
            let invitation = try await invitee.get("/join/\(code)")
            #expect(invitation.status == 200 && invitation.text.contains("Play fair.") && invitation.text.contains(#"name="a.shirt""#))
            let joinKey = try #require(invitee.hidden("idempotencyKey"))
            let wrong = try await invitee.post("/join/\(code)", ["idempotencyKey": joinKey, "a.shirt": "XXL", "acceptRules": "yes"])
            #expect(wrong.status == 400 && wrong.text.contains("Join Night Owls"))
            #expect(wrong.text.contains(#"aria-describedby="q-shirt-error""#))
            #expect(try await server.request(.GET, "/api/competitions/\(id)/registrations", token: organizer.token).items.count == 1)
            let joined = try await invitee.post("/join/\(code)", ["idempotencyKey": joinKey, "a.shirt": "S", "acceptRules": "yes"])
            #expect(joined.status == 303 && joined.headers.first(name: "Location") == "/teams/\(teamId)")
            let shirts = try await server.request(.GET, "/api/competitions/\(id)/registrations", token: organizer.token).items
                .compactMap { ($0["answers"] as? [String: String])?["shirt"] }.sorted()
            #expect(shirts == ["M", "S"])
        }
    }
}
