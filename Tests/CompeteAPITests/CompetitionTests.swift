import Foundation
import Testing

@Suite struct CompetitionTests {
    @Test(arguments: Backend.all)
    func createShowAndAuthorize(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer", name: "Olga")
            let participant = try await server.signup()
            let body: [String: Any] = [
                "title": "  Spring Sprint  ", "description": "Run!", "tags": ["Running", "outdoor", "running"], "capacity": 25,
                "regDeadline": "2099-05-01T12:00:00+02:00", "startDate": "2099-05-02T08:00:00.000Z",
            ]
            let created = try await server.request(.POST, "/api/competitions", token: organizer.token, json: body)
            #expect(created.status == 201)
            let id = try #require(created.json["id"] as? String)
            #expect(created.headers.first(name: "Location") == "/api/competitions/\(id)")
            let c = created.json
            #expect(c["title"] as? String == "Spring Sprint")
            #expect(c["tags"] as? [String] == ["running", "outdoor"])
            #expect(c["capacity"] as? Int == 25 && c["registeredCount"] as? Int == 0 && c["seatsLeft"] as? Int == 25)
            #expect(c["waitlistCapacity"] as? Int == 0 && c["waitlistCount"] as? Int == 0)
            #expect(c["regDeadline"] as? String == "2099-05-01T10:00:00Z", "offsets are normalised to UTC")
            #expect(c["startDate"] as? String == "2099-05-02T08:00:00Z")
            #expect(c["status"] as? String == "open")
            let organizerField = try #require(c["organizer"] as? [String: Any])
            #expect(organizerField["id"] as? String == organizer.id && organizerField["name"] as? String == "Olga")
            #expect(c["createdAt"] is String && c["updatedAt"] is String)

            let shown = try await server.request(.GET, "/api/competitions/\(id)")
            #expect(shown.status == 200 && shown.json["id"] as? String == id)
            #expect(try await server.request(.GET, "/api/competitions/\(UUID().uuidString)").code == "not_found")

            let asParticipant = try await server.request(.POST, "/api/competitions", token: participant.token, json: body)
            #expect(asParticipant.status == 403 && asParticipant.code == "forbidden")
            let anonymous = try await server.request(.POST, "/api/competitions", json: body)
            #expect(anonymous.status == 401)
        }
    }

    @Test(arguments: Backend.all)
    func patchRules(backend: Backend) async throws {
        try await withServer(backend) { server in
            let owner = try await server.signup(role: "organizer")
            let rival = try await server.signup(role: "organizer")
            let participant = try await server.signup()
            let id = try await server.createCompetition(by: owner, capacity: 3)
            for _ in 0..<2 { _ = try await server.register(try await server.signup(), for: id) }

            let renamed = try await server.request(.PATCH, "/api/competitions/\(id)", token: owner.token, json: ["title": "Renamed", "capacity": 2])
            #expect(renamed.status == 200)
            #expect(renamed.json["title"] as? String == "Renamed" && renamed.json["capacity"] as? Int == 2)
            #expect(renamed.json["status"] as? String == "full")
            #expect(renamed.json["description"] as? String == "A test competition", "fields not sent are kept")

            let below = try await server.request(.PATCH, "/api/competitions/\(id)", token: owner.token, json: ["capacity": 1])
            #expect(below.status == 409 && below.code == "capacity_below_registered")
            let rivals = try await server.request(.PATCH, "/api/competitions/\(id)", token: rival.token, json: ["title": "Mine now"])
            #expect(rivals.status == 403 && rivals.code == "forbidden")
            let participants = try await server.request(.PATCH, "/api/competitions/\(id)", token: participant.token, json: ["title": "x"])
            #expect(participants.status == 403)
            let invalid = try await server.request(.PATCH, "/api/competitions/\(id)", token: owner.token, json: [
                "startDate": "2000-01-01T00:00:00Z",
            ])
            #expect(invalid.status == 400 && invalid.code == "validation_failed")
            let missing = try await server.request(.PATCH, "/api/competitions/\(UUID().uuidString)", token: owner.token, json: ["title": "x"])
            #expect(missing.status == 404)
            #expect(try await server.competition(id)["title"] as? String == "Renamed")
            #expect(try await server.competition(id)["capacity"] as? Int == 2)
        }
    }

    @Test(arguments: Backend.all)
    func listingFiltersAndPages(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let other = try await server.signup(role: "organizer")
            let early = try await server.createCompetition(by: organizer, title: "Chess Open", capacity: 1, tags: ["chess", "board"], deadlineIn: 3600)
            _ = try await server.createCompetition(by: organizer, title: "Go Masters", tags: ["go", "board"], deadlineIn: 7200)
            let closing = try await server.createCompetition(by: other, title: "100% Fun_Run", tags: ["running"], deadlineIn: 10800)
            _ = try await server.register(try await server.signup(), for: early)
            try await server.closeRegistration(closing)

            let all = try await server.request(.GET, "/api/competitions")
            #expect(all.status == 200 && all.json["total"] as? Int == 3 && all.json["page"] as? Int == 1 && all.json["limit"] as? Int == 20)
            // closeRegistration moved the deadline back, but ordering is by startDate first.
            #expect(all.items.compactMap { $0["title"] as? String } == ["Chess Open", "Go Masters", "100% Fun_Run"])

            func titles(_ query: String) async throws -> [String] {
                try await server.request(.GET, "/api/competitions?\(query)").items.compactMap { $0["title"] as? String }
            }
            #expect(try await titles("search=chess") == ["Chess Open"])
            #expect(try await titles("search=MASTERS") == ["Go Masters"])
            #expect(try await titles("search=100%25") == ["100% Fun_Run"])
            #expect(try await titles("search=_") == ["100% Fun_Run"], "LIKE wildcards are literal")
            #expect(try await titles("tags=board") == ["Chess Open", "Go Masters"])
            #expect(try await titles("tags=board,go") == ["Go Masters"])
            #expect(try await titles("tags=boar") == [])
            #expect(try await titles("status=full") == ["Chess Open"])
            #expect(try await titles("status=open") == ["Go Masters"])
            #expect(try await titles("status=closed") == ["100% Fun_Run"])
            let page2 = try await server.request(.GET, "/api/competitions?limit=2&page=2")
            #expect(page2.items.count == 1 && page2.json["total"] as? Int == 3 && page2.json["page"] as? Int == 2)
            // Past the end no row carries the window count: the total is still right.
            let beyond = try await server.request(.GET, "/api/competitions?limit=2&page=5")
            #expect(beyond.items.isEmpty && beyond.json["total"] as? Int == 3)
            let none = try await server.request(.GET, "/api/competitions?tags=nothing")
            #expect(none.items.isEmpty && none.json["total"] as? Int == 0)

            for bad in ["limit=101", "limit=0", "page=0", "page=abc", "status=sold-out", "tags=bad%20tag"] {
                let response = try await server.request(.GET, "/api/competitions?\(bad)")
                #expect(response.status == 400 && response.code == "validation_failed", "\(bad) accepted")
            }

            let mine = try await server.request(.GET, "/api/competitions/mine", token: other.token)
            #expect(mine.status == 200 && mine.items.compactMap { $0["title"] as? String } == ["100% Fun_Run"])
            let participant = try await server.signup()
            #expect(try await server.request(.GET, "/api/competitions/mine", token: participant.token).status == 403)
            #expect(try await server.request(.GET, "/api/competitions/mine").status == 401)
        }
    }

    @Test(arguments: Backend.all)
    func registrantsAreForTheOwnerOnly(backend: Backend) async throws {
        try await withServer(backend) { server in
            let owner = try await server.signup(role: "organizer")
            let rival = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: owner)
            let alice = try await server.signup(name: "=cmd|' /C calc'!A0, \"Alice\"")
            _ = try await server.register(alice, for: id)

            let list = try await server.request(.GET, "/api/competitions/\(id)/registrations", token: owner.token)
            #expect(list.status == 200)
            let entry = try #require(list.items.first)
            #expect(entry["status"] as? String == "confirmed" && entry["registrationId"] is String && entry["registeredAt"] is String)
            let person = try #require(entry["user"] as? [String: Any])
            #expect(person["id"] as? String == alice.id && person["email"] as? String == alice.email)

            let csv = try await server.request(.GET, "/api/competitions/\(id)/registrations", token: owner.token, headers: [("Accept", "text/csv")])
            #expect(csv.status == 200 && csv.contentType.hasPrefix("text/csv"))
            #expect(csv.headers.first(name: "Content-Disposition")?.contains("attachment") == true)
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.first == "registrationId,status,registeredAt,userId,name,email")
            #expect(lines.count == 2)
            #expect(lines.last?.contains("\"'=cmd|' /C calc'!A0, \"\"Alice\"\"\"") == true, "formula defused and quoted")
            let viaQuery = try await server.request(.GET, "/api/competitions/\(id)/registrations?format=csv", token: owner.token)
            #expect(viaQuery.text == csv.text)

            #expect(try await server.request(.GET, "/api/competitions/\(id)/registrations", token: rival.token).status == 403)
            #expect(try await server.request(.GET, "/api/competitions/\(id)/registrations", token: alice.token).status == 403)
            #expect(try await server.request(.GET, "/api/competitions/\(id)/registrations").status == 401)
        }
    }
}
