@testable import CompeteAPI
import CompeteCore
import Foundation
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
}
