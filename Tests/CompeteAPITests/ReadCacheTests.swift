@testable import CompeteAPI
import CompeteCore
import Foundation
import SQLKit
import Testing

/// The public competition reads answered from memory (`READ_CACHE_MS`), on SQLite and on
/// PostgreSQL while the instance hears the others (`ReadCacheInstancesTests`): every write
/// through the application shows at once, a write behind its back only after the expiry, and a
/// zero expiry always reads the database.
@Suite struct ReadCacheTests {
    @Test(arguments: Backend.all)
    func writesThroughTheApplicationShowAtOnce(backend: Backend) async throws {
        try await withServer(backend) { server in
            try await Self.waitUntilServing(server)
            let organizer = try await server.signup(role: "organizer")
            let (first, second) = (try await server.signup(), try await server.signup())
            let id = try await server.createCompetition(by: organizer, title: "Cached Cup", capacity: 1)
            #expect(try await Self.seen(server, id) == Self.State(title: "Cached Cup", registered: 0, waitlisted: 0, total: 1))

            #expect(try await server.register(first, for: id).status == 201)
            #expect(try await Self.seen(server, id) == Self.State(title: "Cached Cup", registered: 1, waitlisted: 0, total: 1))

            let renamed = try await server.request(.PATCH, "/api/competitions/\(id)", token: organizer.token,
                                                   json: ["title": "Renamed Cup", "waitlistCapacity": 5])
            #expect(renamed.status == 200)
            #expect(try await Self.seen(server, id) == Self.State(title: "Renamed Cup", registered: 1, waitlisted: 0, total: 1))

            #expect(try await server.register(second, for: id).json["status"] as? String == "waitlisted")
            #expect(try await Self.seen(server, id) == Self.State(title: "Renamed Cup", registered: 1, waitlisted: 1, total: 1))

            // The cancellation hands the seat to the waitlist in the same transaction.
            let cancelled = try await server.request(.DELETE, "/api/competitions/\(id)/register", token: first.token)
            #expect(cancelled.status == 200)
            #expect(try await Self.seen(server, id) == Self.State(title: "Renamed Cup", registered: 1, waitlisted: 0, total: 1))

            _ = try await server.createCompetition(by: organizer, title: "Second Cup")
            #expect(try await Self.seen(server, id).total == 2)
        }
    }

    @Test(arguments: Backend.all)
    func answersFromMemoryUntilTheExpiry(backend: Backend) async throws {
        try await withServer(backend) { server in
            try await Self.waitUntilServing(server)
            server.clock.freeze()
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, title: "Before")
            #expect(try await Self.seen(server, id).title == "Before")

            // A write no instance of the application made (so none told this one): unseen
            // until the answers expire.
            try await Self.renameBehindTheBack(server, id, to: "After")
            #expect(try await Self.seen(server, id).title == "Before")
            server.clock.advance(by: 0.9)
            #expect(try await Self.seen(server, id).title == "Before")
            server.clock.advance(by: 0.2)
            #expect(try await Self.seen(server, id).title == "After")
        }
    }

    @Test(arguments: Backend.all)
    func withoutTheCacheEveryReadSeesTheDatabase(backend: Backend) async throws {
        try await withServer(backend, configure: { $0.readCacheTTL = 0 }) { server in
            #expect(!server.system.services.reads.isServing)
            server.clock.freeze()
            let organizer = try await server.signup(role: "organizer")
            let id = try await server.createCompetition(by: organizer, title: "Before")
            #expect(try await Self.seen(server, id).title == "Before")
            try await Self.renameBehindTheBack(server, id, to: "After")
            #expect(try await Self.seen(server, id).title == "After")
        }
    }

    /// The race the catalog version closes: a write committed while an answer was being computed
    /// leaves that answer unused afterwards. Errors are never kept.
    @Test func anAnswerComputedAcrossAWriteIsNotKept() async throws {
        let version = CatalogVersion()
        let cache = ReadCache(version: version, ttl: 60, now: { Date(timeIntervalSince1970: 1_000) })
        func answer(_ text: String, status: Int = 200, during: @escaping () -> Void = {}) -> () async throws -> StoredResponse {
            { during(); return StoredResponse(status: status, contentType: "application/json", body: Array(text.utf8)) }
        }
        func body(_ response: StoredResponse) -> String { String(decoding: response.body, as: UTF8.self) }

        #expect(body(try await cache.answer(key: "/a", answer("old", during: { version.advance() }))) == "old")
        #expect(body(try await cache.answer(key: "/a", answer("new"))) == "new", "computed before the write: not kept")
        #expect(body(try await cache.answer(key: "/a", answer("unused"))) == "new", "kept")
        version.advance()
        #expect(body(try await cache.answer(key: "/a", answer("newer"))) == "newer")
        #expect(body(try await cache.answer(key: "/b", answer("missing", status: 404))) == "missing")
        #expect(body(try await cache.answer(key: "/b", answer("found"))) == "found", "a 404 is not kept")
    }

    /// While the version does not serve (on PostgreSQL: the instance cannot hear the others)
    /// every read is computed and nothing is kept; serving again starts at a new version, so
    /// nothing kept before is served.
    @Test func aSuspendedVersionServesNothing() async throws {
        let version = CatalogVersion()
        let cache = ReadCache(version: version, ttl: 60, now: { Date(timeIntervalSince1970: 1_000) })
        func read(_ text: String) async throws -> String {
            String(decoding: try await cache.answer(key: "/a") {
                StoredResponse(status: 200, contentType: "application/json", body: Array(text.utf8))
            }.body, as: UTF8.self)
        }
        #expect(try await read("before") == "before")
        #expect(try await read("unused") == "before", "kept")
        version.suspend()
        #expect(!cache.isServing)
        #expect(try await read("deaf 1") == "deaf 1")
        #expect(try await read("deaf 2") == "deaf 2", "nothing kept while suspended")
        version.resume()
        #expect(try await read("after") == "after", "what was kept before is not served")
        #expect(try await read("unused") == "after", "kept again")
        #expect(CatalogVersion(serving: false).current == nil)
    }

    struct State: Equatable {
        let title: String
        let registered: Int
        let waitlisted: Int
        let total: Int
    }

    /// Waits (event-driven, bounded) until the server answers from memory: on PostgreSQL once its
    /// catalog listener is up.
    static func waitUntilServing(_ server: TestServer, _ serving: Bool = true) async throws {
        try await eventually("the read cache \(serving ? "serves" : "stops serving")") {
            server.system.services.reads.isServing == serving
        }
    }

    /// The competition as its own page and the list show it; both must agree.
    static func seen(_ server: TestServer, _ id: String) async throws -> State {
        let (page, listed) = try await views(server, id)
        #expect(page == listed, "page and list agree")
        return page
    }

    /// The competition as its own page shows it, and as the list does (read right after, so
    /// while another instance's write is arriving they may differ).
    static func views(_ server: TestServer, _ id: String) async throws -> (page: State, listed: State) {
        let shown = try await server.request(.GET, "/api/competitions/\(id)")
        let list = try await server.request(.GET, "/api/competitions?limit=100")
        let total = try #require(list.json["total"] as? Int)
        func state(_ json: [String: Any]) throws -> State {
            State(
                title: try #require(json["title"] as? String), registered: try #require(json["registeredCount"] as? Int),
                waitlisted: try #require(json["waitlistCount"] as? Int), total: total
            )
        }
        return (try state(shown.json), try state(try #require(list.items.first { $0["id"] as? String == id })))
    }

    static func renameBehindTheBack(_ server: TestServer, _ id: String, to title: String) async throws {
        try await server.sql.raw("""
            UPDATE competitions SET title = \(bind: title) WHERE id = \(bind: try #require(UUID(uuidString: id)))
            """).run()
    }
}
