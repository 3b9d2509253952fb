import Foundation
import Testing

/// The organizer's form takes local times in the competition's zone (gaps refused next to the
/// field, repeated times read as the earlier instant); pages, messages and the calendar entry
/// show them right.
@Suite struct WebTimeZoneTests {
    static func organizer(_ server: TestServer) async throws -> WebClient {
        let web = WebClient(base: server.webURL)
        _ = try await web.get("/signup")
        _ = try await web.post("/signup", ["name": "Zoe", "email": "zoe-\(UUID().uuidString.prefix(8))@example.com", "password": "password123", "role": "organizer"])
        return web
    }

    @Test(arguments: Backend.all)
    func theFormTakesLocalTimesInTheCompetitionsZone(backend: Backend) async throws {
        try await withServer(backend) { server in
            let web = try await Self.organizer(server)
            let form = try await web.get("/organizer/competitions/new")
            #expect(form.text.contains(#"name="timezone" value="UTC""#) && form.text.contains(#"<option value="Europe/Berlin">"#))
            #expect(form.text.contains(#"id="opensAt" type="datetime-local""#))
            let key = try #require(web.hidden("idempotencyKey"))
            var fields = [
                "title": "Berlin Cup", "capacity": "5", "timezone": "Europe/Berlin", "idempotencyKey": key,
                "opensAt": "2099-03-29T02:30", "regDeadline": "2099-10-25T02:30", "startDate": "2099-12-01T19:00",
            ]
            // 29 March 2099 is the night Berlin skips 02:00–03:00.
            let gap = try await web.post("/organizer/competitions", fields)
            #expect(gap.status == 400)
            #expect(gap.text.contains(#"id="opens-error">Registration opening 2099-03-29 02:30 does not exist in Europe/Berlin"#))
            #expect(gap.text.contains(#"value="2099-03-29T02:30""#), "what was typed is kept")
            #expect(try await server.count("SELECT COUNT(*) AS n FROM competitions") == 0)

            fields["timezone"] = "CET"
            let zone = try await web.post("/organizer/competitions", fields)
            #expect(zone.status == 400 && zone.text.contains(#"id="timezone-error">Time zone must be an IANA time zone name"#))

            fields["timezone"] = "Europe/Berlin"
            fields["opensAt"] = "2099-03-29T03:30"
            let created = try await web.post("/organizer/competitions", fields)
            #expect(created.status == 303)
            let id = String(try #require(created.headers.first(name: "Location")).split(separator: "/").last ?? "")
            let api = try await server.competition(id)
            #expect(api["timezone"] as? String == "Europe/Berlin")
            #expect(api["opensAt"] as? String == "2099-03-29T01:30:00Z", "03:30 CEST")
            #expect(api["regDeadline"] as? String == "2099-10-25T00:30:00Z", "the repeated 02:30 is the earlier one, still CEST")
            #expect(api["startDate"] as? String == "2099-12-01T18:00:00Z", "19:00 CET")

            let flash = try await web.get(try #require(created.headers.first(name: "Location")))
            #expect(flash.text.contains("Published! Registration opens Sun 29 Mar 2099, 03:30 UTC+2."))
            let page = try await web.get("/competitions/\(id)")
            #expect(page.text.contains("Tue 1 Dec 2099, 19:00 UTC+1") && page.text.contains("Sun 25 Oct 2099, 02:30 UTC+2"))
            #expect(page.text.contains("Times are in Europe/Berlin."))
            #expect(page.text.contains(#"<p class="opens" id="opens-at">Registration opens Sun 29 Mar 2099, 03:30 UTC+2.</p>"#))
            #expect(!page.text.contains("register-button"))

            // The edit form shows the same local times; saving it unchanged changes nothing, and
            // moving to another zone reads the same wall-clock times there.
            let edit = try await web.get("/organizer/competitions/\(id)/edit")
            #expect(edit.text.contains(#"value="2099-10-25T02:30""#) && edit.text.contains(#"value="Europe/Berlin""#))
            let unchanged = try await web.post("/organizer/competitions/\(id)", [
                "title": "Berlin Cup", "capacity": "5", "timezone": "Europe/Berlin",
                "opensAt": "2099-03-29T03:30", "regDeadline": "2099-10-25T02:30", "startDate": "2099-12-01T19:00",
            ])
            #expect(unchanged.status == 303)
            #expect(try await server.competition(id)["regDeadline"] as? String == "2099-10-25T00:30:00Z")
            let moved = try await web.post("/organizer/competitions/\(id)", [
                "title": "Berlin Cup", "capacity": "5", "timezone": "Asia/Kolkata",
                "opensAt": "", "regDeadline": "2099-10-25T02:30", "startDate": "2099-12-01T19:00",
            ])
            #expect(moved.status == 303)
            let kolkata = try await server.competition(id)
            #expect(kolkata["timezone"] as? String == "Asia/Kolkata" && kolkata["opensAt"] is NSNull, "an emptied opening is removed")
            #expect(kolkata["regDeadline"] as? String == "2099-10-24T21:00:00Z" && kolkata["startDate"] as? String == "2099-12-01T13:30:00Z")
            #expect(try await web.get("/competitions/\(id)").text.contains("Tue 1 Dec 2099, 19:00 UTC+5:30"))
        }
    }

    @Test(arguments: Backend.all)
    func listsMyRegistrationsMessagesAndCalendarUseTheZone(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let opens = Date().addingTimeInterval(86400).rounded
            let upcoming = try await server.createCompetition(by: organizer, title: "Later Cup", opensAt: opens, timeZone: "America/St_Johns")
            let id = try await server.createCompetition(by: organizer, title: "Kolkata Cup", timeZone: "Asia/Kolkata")
            let start = try #require(try await server.competition(id)["startDate"] as? String)
            let startDate = try Date(start, strategy: .iso8601)

            let web = WebClient(base: server.webURL)
            let index = try await web.get("/?status=upcoming")
            #expect(index.text.contains("Later Cup") && !index.text.contains("Kolkata Cup"))
            #expect(index.text.contains(#"<option value="upcoming" selected>Upcoming</option>"#))
            #expect(index.text.contains("<dt>Opens</dt>") && index.text.contains("UTC-"), "the card says when it opens, on St. John's clock")
            let later = try await web.get("/competitions/\(upcoming)")
            #expect(later.text.contains("Registration opens") && later.text.contains("Times are in America/St_Johns."))

            _ = try await web.get("/signup")
            _ = try await web.post("/signup", ["name": "Ravi", "email": "ravi@example.com", "password": "password123", "role": "participant"])
            _ = try await web.get("/competitions/\(upcoming)")
            #expect(!web.lastPage.contains("register-button"), "no button before the opening")
            _ = try await web.get("/competitions/\(id)")
            let key = try #require(web.hidden("idempotencyKey"))
            #expect(try await web.post("/competitions/\(id)/register", ["idempotencyKey": key]).status == 303)
            let local = "\(startDate.formatted(Date.VerbatimFormatStyle(format: "\(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)", timeZone: TimeZone(identifier: "Asia/Kolkata")!, calendar: Calendar(identifier: .gregorian)))) UTC+5:30"
            #expect(try await web.get("/me/registrations").text.contains(local), "\(local)")

            try await server.drain([server.system.makeWorker()])
            let mailbox = try await web.get("/me/mailbox")
            #expect(mailbox.text.contains("\(local) (Asia/Kolkata)"), "the confirmation gives the local start with its zone")

            // The calendar entry keeps UTC (RFC 5545 form 2), the same instant.
            let ics = try await server.request(.GET, "/api/competitions/\(id)/calendar.ics")
            let stamp = startDate.formatted(Date.VerbatimFormatStyle(format: "\(year: .defaultDigits)\(month: .twoDigits)\(day: .twoDigits)T\(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased))\(minute: .twoDigits)\(second: .twoDigits)Z", timeZone: .gmt, calendar: Calendar(identifier: .gregorian)))
            #expect(ics.text.contains("DTSTART:\(stamp)\r\n"))
        }
    }
}
