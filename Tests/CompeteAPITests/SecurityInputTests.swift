@testable import CompeteAPI
import CompeteCore
import Foundation
import SQLKit
import Testing

/// Issue 14, item 4 and the contract defects found from the outside: input that could cost memory
/// or CPU is bounded, and the registrants list answers JSON to clients that do not ask for CSV.
@Suite struct SecurityInputTests {
    /// About a thousand tags used to become one condition each (and a 5xx on SQLite): more
    /// distinct tags than a competition can carry are refused, repeats count once.
    @Test(arguments: Backend.all)
    func tagFiltersAreBounded(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            _ = try await server.request(.POST, "/api/competitions", token: organizer.token, json: [
                "title": "Tagged Run", "capacity": 5, "regDeadline": iso(Date().addingTimeInterval(86400)), "tags": ["running"],
            ])
            let many = (0..<1_000).map { "t\($0)" }.joined(separator: ",")
            let refused = try await server.request(.GET, "/api/competitions?tags=\(many)")
            #expect(refused.status == 400 && refused.code == "validation_failed")
            #expect((refused.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "tags")

            let eleven = (0..<11).map { "t\($0)" }.joined(separator: ",")
            #expect(try await server.request(.GET, "/api/competitions?tags=\(eleven)").status == 400)

            let repeated = Array(repeating: "Running", count: 500).joined(separator: ",")
            let found = try await server.request(.GET, "/api/competitions?tags=\(repeated)")
            #expect(found.status == 200 && found.json["total"] as? Int == 1, "repeats collapse to one tag")
        }
    }

    /// The read cache is keyed by what the API parsed: parameters it does not know, their order
    /// and the case of tags create no new entries.
    @Test func readCacheKeysComeFromTheParsedQuery() async throws {
        try await withServer(.sqlite) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, title: "Keyed Cup")
            let reads = server.system.services.reads
            let before = reads.usage.count
            for index in 0..<50 {
                #expect(try await server.request(.GET, "/api/competitions?junk\(index)=\(index)&tags=A").status == 200)
            }
            #expect(try await server.request(.GET, "/api/competitions?tags=a&page=1&limit=20").status == 200)
            #expect(reads.usage.count == before + 1, "one entry for one parsed query")
            for index in 0..<20 {
                #expect(try await server.request(.GET, "/api/competitions/\(id)?v=\(index)").status == 200)
            }
            #expect(reads.usage.count == before + 2)
        }
    }

    /// Each answer kept in memory counts its body; the total never passes the bound.
    @Test func readCacheIsBoundedInBytes() async throws {
        let version = CatalogVersion()
        let cache = ReadCache(version: version, ttl: 60, now: { Date() })
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        for index in 0..<40 {
            _ = try await cache.answer(key: "/k\(index)") { StoredResponse(status: 200, contentType: "application/json", body: body) }
            #expect(cache.usage.bytes <= ReadCache.maxBytes)
        }
        #expect(cache.usage.count >= 1 && cache.usage.bytes == cache.usage.count * body.count)
        let huge = [UInt8](repeating: 0, count: ReadCache.maxBytes + 1)
        _ = try await cache.answer(key: "/huge") { StoredResponse(status: 200, contentType: "application/json", body: huge) }
        #expect(cache.usage.bytes <= ReadCache.maxBytes, "an answer larger than the bound is served, not kept")
    }

    /// JSON is the default; CSV only by name (`?format=csv`) or when the Accept header prefers it.
    /// The Accept values are those the named clients send by default.
    @Test(arguments: Backend.all)
    func registrantsAnswerJSONUnlessCSVIsPreferred(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer)
            _ = try await server.register(try await server.signup(), for: id)
            let path = "/api/competitions/\(id)/registrations"
            let json: [(client: String, accept: String?)] = [
                ("no header", nil),
                ("curl, Postman, Python requests", "*/*"),
                ("Chromium navigation", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"),
                ("Firefox navigation", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                ("fetch()", "*/*"),
                ("JSON preferred", "text/csv;q=0.5, application/json"),
                ("a tie goes to JSON", "application/json, text/csv"),
                ("nothing we offer", "image/png"),
            ]
            for (client, accept) in json {
                let response = try await server.request(.GET, path, token: organizer.token, headers: accept.map { [("Accept", $0)] } ?? [])
                #expect(response.status == 200 && response.contentType.hasPrefix("application/json"), "\(client): \(response.contentType)")
                #expect((response.json["items"] as? [Any])?.count == 1, "\(client)")
            }
            for accept in ["text/csv", "text/csv, application/json;q=0.9", "text/*", "application/json;q=0.1, text/csv;q=0.2"] {
                let response = try await server.request(.GET, path, token: organizer.token, headers: [("Accept", accept)])
                #expect(response.status == 200 && response.contentType.hasPrefix("text/csv"), "\(accept): \(response.contentType)")
            }
            let named = try await server.request(.GET, "\(path)?format=csv", token: organizer.token, headers: [("Accept", "*/*")])
            #expect(named.contentType.hasPrefix("text/csv"))
        }
    }

    /// A participant's registrations and a competition's registrants are read a page at a time.
    @Test(arguments: Backend.all)
    func listsThatGrowArePaged(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let user = try await server.signup()
            var ids: [String] = []
            for index in 0..<3 {
                let id = try await server.createCompetition(by: organizer, title: "Paged \(index)")
                #expect(try await server.register(user, for: id).status == 201)
                ids.append(id)
            }
            let first = try await server.request(.GET, "/api/users/me/registrations?limit=2", token: user.token)
            #expect(first.status == 200 && (first.json["items"] as? [Any])?.count == 2)
            #expect(first.json["total"] as? Int == 3 && first.json["page"] as? Int == 1 && first.json["limit"] as? Int == 2)
            let second = try await server.request(.GET, "/api/users/me/registrations?limit=2&page=2", token: user.token)
            #expect((second.json["items"] as? [Any])?.count == 1)
            let all = try await server.request(.GET, "/api/users/me/registrations", token: user.token)
            #expect(all.json["limit"] as? Int == 50 && (all.json["items"] as? [Any])?.count == 3)
            for bad in ["limit=101", "limit=0", "page=0", "limit=abc", "page=1.5"] {
                let refused = try await server.request(.GET, "/api/users/me/registrations?\(bad)", token: user.token)
                #expect(refused.status == 400 && refused.code == "validation_failed", "\(bad)")
            }

            let id = ids[0]
            for _ in 0..<4 { _ = try await server.register(try await server.signup(), for: id) }
            let page = try await server.request(.GET, "/api/competitions/\(id)/registrations?limit=2&page=3", token: organizer.token)
            #expect(page.status == 200 && (page.json["items"] as? [Any])?.count == 1 && page.json["total"] as? Int == 5)
            let tooMany = try await server.request(.GET, "/api/competitions/\(id)/registrations?limit=1001", token: organizer.token)
            #expect(tooMany.status == 400 && tooMany.code == "validation_failed")
        }
    }

    /// The CSV export holds every registrant however many pages it takes, each once, in order.
    @Test(arguments: Backend.all)
    func csvExportStreamsEveryRegistrant(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, capacity: 5_000)
            let competition = UUID(uuidString: id)!
            let count = 2_345  // more than two pages of 1,000
            let start = Date(timeIntervalSince1970: 1_900_000_000)
            for batch in stride(from: 0, to: count, by: 250) {
                let range = batch..<min(count, batch + 250)
                let users = range.map { (id: UUID(), index: $0) }
                var insertUsers = SQLQueryString("INSERT INTO users (id, name, email, password_hash, role, created_at) VALUES ")
                var insertRegistrations = SQLQueryString(
                    "INSERT INTO registrations (id, competition_id, user_id, status, created_at, waitlist_seq) VALUES ")
                for (offset, user) in users.enumerated() {
                    let separator: SQLQueryString = offset == 0 ? "" : ", "
                    insertUsers = insertUsers + separator + """
                        (\(bind: user.id), \(bind: "Bulk \(user.index)"), \(bind: "bulk\(user.index)@example.com"), 'x', 'participant', \(bind: start))
                        """
                    insertRegistrations = insertRegistrations + separator + """
                        (\(bind: UUID()), \(bind: competition), \(bind: user.id), 'confirmed', \(bind: start.addingTimeInterval(Double(user.index))), NULL)
                        """
                }
                try await server.sql.raw(insertUsers).run()
                try await server.sql.raw(insertRegistrations).run()
            }
            let csv = try await server.request(.GET, "/api/competitions/\(id)/registrations?format=csv", token: organizer.token)
            #expect(csv.status == 200 && csv.contentType.hasPrefix("text/csv"))
            let lines = csv.text.split(separator: "\r\n", omittingEmptySubsequences: true)
            #expect(lines.first == "registrationId,status,registeredAt,userId,name,email")
            #expect(lines.count == count + 1)
            let names = lines.dropFirst().map { $0.split(separator: ",")[4] }
            #expect(names == (0..<count).map { "Bulk \($0)"[...] }, "every registrant once, oldest first")
        }
    }
}
