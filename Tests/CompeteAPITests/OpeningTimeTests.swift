import CompeteCore
import Foundation
import Testing

/// `timezone` and `opensAt` over HTTP: validation, the 409 before the opening on the server's
/// clock, a storm at the opening instant, and the `upcoming` status in lists and filters.
@Suite(.serialized) struct OpeningTimeTests {
    @Test(arguments: Backend.all)
    func timeZoneAndOpeningAreValidatedAndNormalised(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            var body: [String: Any] = [
                "title": "Zoned", "capacity": 5, "regDeadline": "2099-05-01T12:00:00+02:00",
                "opensAt": "2099-04-01T09:00:00+05:30", "timezone": "europe/berlin",
            ]
            let created = try await server.request(.POST, "/api/competitions", token: organizer.token, json: body)
            #expect(created.status == 201)
            #expect(created.json["timezone"] as? String == "Europe/Berlin")
            #expect(created.json["opensAt"] as? String == "2099-04-01T03:30:00Z", "offsets are normalised to UTC")
            #expect(created.json["status"] as? String == "upcoming")
            let id = try #require(created.json["id"] as? String)

            let plain = try await server.createCompetition(by: organizer)
            let shown = try await server.request(.GET, "/api/competitions/\(plain)")
            #expect(shown.json["timezone"] as? String == "UTC")
            #expect(shown.json.keys.contains("opensAt") && shown.json["opensAt"] is NSNull, "opensAt is null when unset")

            for zone in ["CET", "GMT+1", "Etc/GMT-5", "Mars/Olympus", "", "Europe/../../etc/passwd"] {
                body["timezone"] = zone
                let refused = try await server.request(.POST, "/api/competitions", token: organizer.token, json: body)
                #expect(refused.status == 400 && refused.code == "validation_failed", "\(zone)")
                #expect((refused.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "timezone")
            }
            body["timezone"] = 42
            #expect(try await server.request(.POST, "/api/competitions", token: organizer.token, json: body).status == 400)
            body["timezone"] = "UTC"
            for opensAt in ["2099-05-01T10:00:00Z", "2099-05-01T12:00:00+02:00", "2099-06-01T00:00:00Z"] {
                body["opensAt"] = opensAt
                let refused = try await server.request(.POST, "/api/competitions", token: organizer.token, json: body)
                #expect(refused.status == 400 && (refused.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "opensAt")
            }
            body["opensAt"] = "yesterday"
            #expect(try await server.request(.POST, "/api/competitions", token: organizer.token, json: body).code == "validation_failed")
            #expect(try await server.count("SELECT COUNT(*) AS n FROM competitions") == 2, "nothing half-written")

            // PATCH: a new zone, a deadline before the opening refused, null clears the opening.
            let patched = try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token, json: ["timezone": "Asia/Kolkata"])
            #expect(patched.status == 200 && patched.json["timezone"] as? String == "Asia/Kolkata")
            #expect(patched.json["opensAt"] as? String == "2099-04-01T03:30:00Z", "absent keeps the opening")
            let early = try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token, json: ["regDeadline": "2099-03-01T00:00:00Z"])
            #expect(early.status == 400 && (early.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "opensAt")
            let cleared = try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token, raw: Array(#"{"opensAt":null}"#.utf8))
            #expect(cleared.status == 200 && cleared.json["opensAt"] is NSNull && cleared.json["status"] as? String == "open")
        }
    }

    @Test(arguments: Backend.all)
    func registeringWaitsForTheOpeningSecond(backend: Backend) async throws {
        try await withServer(backend) { server in
            server.clock.freeze()
            let opensAt = server.clock.now().addingTimeInterval(3600).rounded
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, capacity: 1, waitlist: 2, opensAt: opensAt, timeZone: "Europe/Berlin")
            let (first, second) = (try await server.signup(), try await server.signup())

            let early = try await server.register(first, for: id, key: "early")
            #expect(early.status == 409 && early.code == "registration_not_open" && early.isProblem)
            let detail = try #require(early.json["detail"] as? String)
            #expect(detail.contains(iso(opensAt)) && detail.contains("Europe/Berlin") && detail.contains("UTC+"), "\(detail)")
            #expect(early.json["opensAt"] as? String == iso(opensAt))
            #expect(try await server.competition(id)["status"] as? String == "upcoming")
            let listed = try await server.request(.GET, "/api/competitions?status=upcoming")
            #expect(listed.items.map { $0["id"] as? String } == [id])
            #expect(try await server.request(.GET, "/api/competitions?status=open").items.isEmpty)
            #expect(try await server.request(.GET, "/api/competitions?status=soon").code == "validation_failed")

            server.clock.advance(by: 3599)
            #expect(try await server.register(second, for: id).code == "registration_not_open", "one second before")
            server.clock.advance(by: 1)
            let seat = try await server.register(first, for: id)
            #expect(seat.status == 201 && seat.json["registeredAt"] as? String == iso(opensAt), "open at the instant itself")
            let waitlisted = try await server.register(second, for: id)
            #expect(waitlisted.status == 202 && waitlisted.json["position"] as? Int == 1)
            #expect(try await server.competition(id)["status"] as? String == "full")

            // The refusal stored under its key replays byte for byte, even now that it is open.
            let replay = try await server.register(first, for: id, key: "early")
            #expect(replay.status == 409 && replay.body == early.body && replay.headers.first(name: "Idempotent-Replayed") == "true")
        }
    }

    @Test(arguments: Backend.all)
    func theWaitlistOpensWithTheSeats(backend: Backend) async throws {
        try await withServer(backend) { server in
            server.clock.freeze()
            let opensAt = server.clock.now().addingTimeInterval(60).rounded
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, capacity: 1, waitlist: 5, opensAt: opensAt)
            let holder = try await server.signup()
            #expect(try await server.register(holder, for: id).code == "registration_not_open")
            // Someone holds the only seat (as if registered before an opening was set later):
            // the waitlist must still wait for the opening.
            let patched = try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token, raw: Array(#"{"opensAt":null}"#.utf8))
            #expect(patched.status == 200)
            #expect(try await server.register(holder, for: id).status == 201)
            let reopened = try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token, json: ["opensAt": iso(opensAt)])
            #expect(reopened.json["status"] as? String == "upcoming")
            let waiting = try await server.signup()
            #expect(try await server.register(waiting, for: id).code == "registration_not_open")
            #expect(try await server.register(holder, for: id).code == "already_registered", "their own registration is named first")
            #expect(try await server.count("SELECT COUNT(*) AS n FROM registrations WHERE status = 'waitlisted'") == 0)
            server.clock.advance(by: 60)
            #expect(try await server.register(waiting, for: id).status == 202)
        }
    }

    /// 200 participants pressing the button before the opening get 409s and take nothing; the
    /// same 200 at the opening instant get exactly the seats.
    @Test(arguments: Backend.all)
    func aStormAtTheOpeningInstantFillsExactlyTheSeats(backend: Backend) async throws {
        try await withServer(backend) { server in
            let (participants, capacity) = (200, 50)
            server.clock.freeze()
            let opensAt = server.clock.now().addingTimeInterval(600).rounded
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, capacity: capacity, opensAt: opensAt)
            let users = try await withThrowingTaskGroup(of: TestUser.self) { group in
                for index in 0..<participants { group.addTask { try await server.signup(name: "Eager \(index)") } }
                return try await group.reduce(into: [TestUser]()) { $0.append($1) }
            }
            func storm() async throws -> [APIResponse] {
                try await withThrowingTaskGroup(of: APIResponse.self) { group in
                    for user in users { group.addTask { try await server.register(user, for: id) } }
                    return try await group.reduce(into: [APIResponse]()) { $0.append($1) }
                }
            }
            server.clock.advance(by: 599)
            let early = try await storm()
            #expect(early.allSatisfy { $0.status == 409 && $0.code == "registration_not_open" })
            #expect(try await server.confirmedCount(id) == 0)
            #expect(try await server.competition(id)["registeredCount"] as? Int == 0)

            server.clock.advance(by: 1)
            let answers = try await storm()
            #expect(answers.filter { $0.status == 201 }.count == capacity)
            #expect(answers.filter { $0.code == "competition_full" }.count == participants - capacity)
            #expect(answers.filter { $0.status == 201 }.allSatisfy { $0.json["registeredAt"] as? String == iso(opensAt) })
            #expect(try await server.confirmedCount(id) == capacity)
            #expect(try await server.competition(id)["registeredCount"] as? Int == capacity)
            #expect(try await server.outboxCount(topic: "registration:confirmation") == capacity)
        }
    }
}

extension Date {
    /// Whole seconds, as the API writes timestamps.
    var rounded: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}

/// The time-zone names the OpenAPI document lists are ones the server accepts, as they are.
@Suite struct TimeZoneDocumentTests {
    @Test func everyDocumentedZoneIsAccepted() async throws {
        try await withServer(.sqlite) { server in
            let document = try #require(try JSONSerialization.jsonObject(with: Data(try await server.request(.GET, "/api/openapi.json").body)) as? [String: Any])
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let names = try #require((schemas["TimeZoneName"] as? [String: Any])?["enum"] as? [String])
            #expect(names.count > 400 && names.contains("Europe/Berlin") && names.contains("Asia/Kolkata") && names.first == "UTC")
            let refused = names.filter { TimeZoneName($0)?.identifier != $0 }
            #expect(refused.isEmpty, "\(refused)")
        }
    }
}
