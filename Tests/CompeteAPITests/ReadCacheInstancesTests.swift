@testable import CompeteAPI
import CompeteStore
import Foundation
import SQLKit
import Testing

/// Two instances on one PostgreSQL database, each answering the public reads from memory: one
/// hears the other's writes by LISTEN/NOTIFY within a bounded wait, serves nothing while it
/// cannot hear, and after hearing again serves nothing kept from before.
@Suite struct ReadCacheInstancesTests {
    static let postgres = Backend.all.filter { $0 != .sqlite }

    @Test(arguments: postgres)
    func anotherInstancesWritesShowWithinABoundedWait(backend: Backend) async throws {
        try await withInstances(backend) { a, b in
            // Everything competition-related is written on B first: A has told B nothing yet.
            let organizer = try await b.signup(role: "organizer")
            let participant = try await b.signup()
            let id = try await b.createCompetition(by: organizer, title: "Shared Cup", capacity: 5)
            #expect(try await ReadCacheTests.seen(b, id).registered == 0)
            // B answers from memory: a write no instance made is not seen there...
            try await ReadCacheTests.renameBehindTheBack(a, id, to: "Quietly Renamed")
            #expect(try await ReadCacheTests.seen(b, id).title == "Shared Cup")

            // ...and A's registration (its own read shows it at once) reaches B by a notification.
            #expect(try await a.register(participant, for: id).status == 201)
            #expect(try await ReadCacheTests.seen(a, id).registered == 1)
            try await eventually("B shows A's registration") { try await shows(b, id) { $0.registered == 1 } }
            #expect(try await ReadCacheTests.seen(b, id).title == "Quietly Renamed")

            let renamed = try await a.request(.PATCH, "/api/competitions/\(id)", token: organizer.token, json: ["title": "Renamed on A"])
            #expect(renamed.status == 200)
            try await eventually("B shows A's update") { try await shows(b, id) { $0.title == "Renamed on A" } }

            let cancelled = try await a.request(.DELETE, "/api/competitions/\(id)/register", token: participant.token)
            #expect(cancelled.status == 200)
            try await eventually("B shows A's cancellation") { try await shows(b, id) { $0.registered == 0 } }
        }
    }

    @Test(arguments: postgres)
    func aDroppedListenerServesNothingFromBeforeTheDrop(backend: Backend) async throws {
        try await withInstances(backend) { a, b in
            let organizer = try await b.signup(role: "organizer")
            let id = try await b.createCompetition(by: organizer, title: "Before the Drop")
            #expect(try await ReadCacheTests.seen(b, id).title == "Before the Drop")
            let feed = try #require(b.system.catalogFeed)
            let before = try await listeners(feed, on: a)
            #expect(before.count == 1, "one listening connection per instance")

            // Kill B's listening backend, then write where no notification can reach B.
            let killed = try await a.sql.raw("""
                SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = \(bind: feed.applicationName)
                """).all(decodingColumn: "ok", as: Bool.self)
            #expect(killed == [true])
            try await ReadCacheTests.renameBehindTheBack(a, id, to: "Renamed While Deaf")

            // B listens again on a new connection, and what it kept before is not served.
            try await eventually("B's listener is back") {
                let now = try await listeners(feed, on: a)
                return now.count == 1 && now != before
            }
            try await ReadCacheTests.waitUntilServing(b)
            #expect(try await ReadCacheTests.seen(b, id).title == "Renamed While Deaf")

            // Caching has resumed: a write no instance made is not seen again until the expiry.
            try await ReadCacheTests.renameBehindTheBack(a, id, to: "Unseen")
            #expect(try await ReadCacheTests.seen(b, id).title == "Renamed While Deaf")
        }
    }

    @Test(arguments: postgres)
    func aStoppedInstanceLeavesNoListenerBehind(backend: Backend) async throws {
        try await withServer(backend) { a in
            let b = try await TestServer.start(backend, sharing: a)
            try await ReadCacheTests.waitUntilServing(b)
            let feed = try #require(b.system.catalogFeed)
            #expect(try await listeners(feed, on: a).count == 1)
            try await b.stop()
            try await eventually("B's listening connection is closed") { try await listeners(feed, on: a).isEmpty }
        }
    }

    /// Whether the competition's page and the list on `server` both show what `holds` wants.
    private func shows(_ server: TestServer, _ id: String, _ holds: (ReadCacheTests.State) -> Bool) async throws -> Bool {
        let (page, listed) = try await ReadCacheTests.views(server, id)
        return holds(page) && holds(listed)
    }

    /// The backend ids of `feed`'s listening connections, as the server sees them from `server`.
    private func listeners(_ feed: CatalogFeed, on server: TestServer) async throws -> [Int] {
        try await server.sql.raw("""
            SELECT pid FROM pg_stat_activity WHERE application_name = \(bind: feed.applicationName) ORDER BY pid
            """).all(decodingColumn: "pid", as: Int.self)
    }

    /// Runs `body` with two instances on one fresh database, both answering from memory; their
    /// clocks stand still, so answers never expire (on a loaded machine a second goes by fast).
    private func withInstances(_ backend: Backend, _ body: (TestServer, TestServer) async throws -> Void) async throws {
        try await withServer(backend) { a in
            let b = try await TestServer.start(backend, sharing: a)
            a.clock.freeze()
            b.clock.freeze()
            do {
                try await ReadCacheTests.waitUntilServing(a)
                try await ReadCacheTests.waitUntilServing(b)
                try await body(a, b)
                try await b.stop()
            } catch {
                try? await b.stop()
                throw error
            }
        }
    }
}

/// Polls `condition` every 10 ms until it holds, for at most `seconds` (generous: the suite
/// shares two cores); fails the test when it never does.
func eventually(_ what: String, within seconds: Int = 10, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure("not within \(seconds) s: \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}
