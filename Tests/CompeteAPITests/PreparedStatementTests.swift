import Foundation
import SQLKit
import Testing
import Vapor

/// The hot statements on PostgreSQL are named prepared statements (`PreparedStatements`):
/// prepared once per connection and reused, seen in `pg_prepared_statements` from the very
/// connections that ran them, and still working when PostgreSQL forgets them or the pool's
/// connections are killed. Serialized: the names are the process's, and the test that makes
/// PostgreSQL forget them renames them for every server in the process.
@Suite(.serialized) struct PreparedStatementTests {
    /// What identifies each hot statement's text in `pg_prepared_statements`.
    static let hot: [(label: String, pattern: String)] = [
        ("seat in one statement", "WITH %seat AS (%INSERT INTO registrations%"),
        ("list", "SELECT c.id, c.title,%ORDER BY c.start_date, c.reg_deadline, c.id%"),
        ("list count", "SELECT COUNT(*) AS total FROM competitions c WHERE%"),
        ("single read", "SELECT c.id, c.title,%WHERE c.id = $1"),
    ]

    @Test(.enabled(if: Backend.postgresAdminURL != nil))
    func hotStatementsArePreparedOncePerConnectionAndReused() async throws {
        try await withServer(.postgres, configure: { $0.dbPoolSize = Self.poolSize }) { server in
            let rounds = 6
            try await Self.exercise(server, rounds: rounds)
            let seen = try await Self.preparedByConnection(server)
            for (label, pattern) in Self.hot {
                let regex = Self.likeRegex(pattern)
                let uses = seen.values.flatMap { $0 }.filter { $0.statement.range(of: regex, options: .regularExpression) != nil }
                let connections = seen.values.filter { $0.contains { $0.statement.range(of: regex, options: .regularExpression) != nil } }.count
                #expect(!uses.isEmpty, "\(label) is not prepared")
                #expect(uses.count == connections, "\(label): prepared once per connection, not once per request")
                #expect(uses.allSatisfy { $0.name.hasPrefix("mc_") }, "\(label): our names")
                #expect(uses.map(\.runs).reduce(0, +) >= rounds, "\(label): every request ran the prepared statement")
                #expect(uses.contains { $0.runs > 1 }, "\(label): reused on a connection")
            }
        }
    }

    /// `DEALLOCATE ALL` makes PostgreSQL forget every prepared statement while PostgresNIO still
    /// holds their names (as a pooler or an operator could): the next use meets 26000 and runs
    /// again under a fresh name.
    @Test(.enabled(if: Backend.postgresAdminURL != nil))
    func forgottenStatementsArePreparedAgain() async throws {
        try await withServer(.postgres, configure: { $0.dbPoolSize = Self.poolSize }) { server in
            let competitionId = try await Self.exercise(server, rounds: 2)
            _ = try await Self.onEveryConnection(server) { try await $0.raw("DEALLOCATE ALL").run() }
            #expect(try await Self.preparedByConnection(server).values.allSatisfy(\.isEmpty))
            try await Self.expectServing(server, competitionId: competitionId)
            #expect(!(try await Self.preparedByConnection(server).values.allSatisfy(\.isEmpty)), "prepared again")
        }
    }

    /// Every connection of the pool killed behind its back (as a restarted PostgreSQL would):
    /// the pool opens new connections, which prepare the statements afresh.
    @Test(.enabled(if: Backend.postgresAdminURL != nil))
    func killedConnectionsDoNotBreakTheNextRequests() async throws {
        try await withServer(.postgres, configure: { $0.dbPoolSize = Self.poolSize }) { server in
            let competitionId = try await Self.exercise(server, rounds: 3)
            let before = try await Self.appBackends(server)
            let database = try #require(try await server.sql.raw("SELECT current_database() AS name").first()?
                .decode(column: "name", as: String.self))
            let admin = try #require(Backend.postgresAdminURL)
            try await PostgresTestDatabase.onAdmin(admin) { sql in
                // The second argument waits (ms) until each backend has exited.
                try await sql.raw("""
                    SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
                    WHERE datname = \(bind: database) AND pid <> pg_backend_pid()
                    """).run()
            }
            // The server's event loops read each connection's end before the next request.
            try await Task.sleep(for: .milliseconds(300))
            try await Self.expectServing(server, competitionId: competitionId)
            #expect(try await Self.appBackends(server).isDisjoint(with: before), "new connections")
            let prepared = try await Self.preparedByConnection(server).values.flatMap { $0 }
            #expect(prepared.contains { $0.name.hasPrefix("mc_") }, "the new connections prepared the statements")
        }
    }

    /// The list and the single read decode competitions by position from prepared statements;
    /// the answers to creating and changing one decode them by name: every field must agree,
    /// nil and non-nil optionals alike.
    @Test(arguments: Backend.all)
    func readsDecodeEveryFieldAsWritesDo(backend: Backend) async throws {
        try await withServer(backend) { server in
            let organizer = try await server.signup(role: "organizer")
            let team = try await server.createTeamCompetition(by: organizer, capacity: 7, min: 2, max: 5, waitlist: 3)
            let changed = try await server.request(.PATCH, "/api/competitions/\(team)", token: organizer.token, json: [
                "questions": [["id": "shirt", "label": "T-shirt", "type": "choice", "required": true, "options": ["S", "M"]]],
                "rules": "Play fair.", "tags": ["chess", "rapid"],
            ])
            #expect(changed.status == 200)
            let opening = Date().addingTimeInterval(3 * 86400)
            let created = try await server.request(.POST, "/api/competitions", token: organizer.token, json: [
                "title": "Opens Later", "description": "Café «quoted»", "capacity": 12, "tags": ["x"],
                "regDeadline": iso(Date().addingTimeInterval(7 * 86400)), "startDate": iso(Date().addingTimeInterval(8 * 86400)),
                "waitlistCapacity": 0, "timezone": "Europe/Paris", "opensAt": iso(opening),
            ])
            #expect(created.status == 201)
            let list = try await server.request(.GET, "/api/competitions?page=1&limit=20").json["items"] as? [[String: Any]] ?? []
            for written in [changed.json, created.json] {
                let id = try #require(written["id"] as? String)
                let read = try await server.request(.GET, "/api/competitions/\(id)").json
                #expect(try Self.canonical(read) == Self.canonical(written), "single read of \(id)")
                let listed = try #require(list.first { $0["id"] as? String == id })
                #expect(try Self.canonical(listed) == Self.canonical(written), "list item \(id)")
            }
        }
    }

    /// A JSON object as text with sorted keys, for comparing answers field by field.
    static func canonical(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// `rounds` of every hot request: keyed registrations (the seat statement), list pages with
    /// their count, and single reads. Returns the competition.
    @discardableResult
    static func exercise(_ server: TestServer, rounds: Int) async throws -> String {
        let organizer = try await server.signup(role: "organizer")
        let id = try await server.createCompetition(by: organizer, capacity: 100)
        for round in 0..<rounds {
            let user = try await server.signup()
            #expect(try await server.register(user, for: id, key: "prep-\(round)").status == 201)
            #expect(try await server.request(.GET, "/api/competitions?page=1&limit=20").status == 200)
            #expect(try await server.request(.GET, "/api/competitions/\(id)").status == 200)
        }
        return id
    }

    /// The hot requests answer as before: a new registration, its replay, the list and the read.
    static func expectServing(_ server: TestServer, competitionId: String) async throws {
        let registered = try await server.competition(competitionId)["registeredCount"] as? Int ?? -1
        let user = try await server.signup()
        let first = try await server.register(user, for: competitionId, key: "after")
        #expect(first.status == 201)
        #expect(try await server.register(user, for: competitionId, key: "after").body == first.body, "replayed")
        let list = try await server.request(.GET, "/api/competitions?page=1&limit=20")
        #expect(list.status == 200)
        #expect(list.json["total"] as? Int == 1)
        #expect(try await server.competition(competitionId)["registeredCount"] as? Int == registered + 1)
    }

    struct Prepared: Sendable {
        let name: String
        let statement: String
        let runs: Int
    }

    /// `pg_prepared_statements` of every connection of the server's pool, by backend pid (the
    /// view shows only the asking session's statements).
    static func preparedByConnection(_ server: TestServer) async throws -> [Int: [Prepared]] {
        var seen: [Int: [Prepared]] = [:]
        for (pid, prepared) in try await onEveryConnection(server, { session in
            try await session.raw("""
                SELECT name, statement, generic_plans + custom_plans AS runs FROM pg_prepared_statements
                """).all().map {
                Prepared(name: try $0.decode(column: "name", as: String.self),
                         statement: try $0.decode(column: "statement", as: String.self),
                         runs: try $0.decode(column: "runs", as: Int.self))
            }
        }) {
            seen[pid] = prepared
        }
        return seen
    }

    /// The pool size of these tests' servers: not 1, where migrating deadlocks half the time
    /// (the advisory lock holds one loop's only connection while the migration may ask that loop).
    static let poolSize = 2

    /// Runs `body` on every connection of the server's pool, with its backend pid: each event
    /// loop has a pool of its own, and holding `poolSize` sessions of a loop at once takes all
    /// of its connections (opening any it had not opened yet).
    static func onEveryConnection<T: Sendable>(
        _ server: TestServer, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> [(pid: Int, value: T)] {
        let app = server.system.app
        var results: [(pid: Int, value: T)] = []
        for loop in app.eventLoopGroup.makeIterator() {
            guard let sql = app.databases.database(logger: app.logger, on: loop) as? any SQLDatabase else {
                throw TestFailure("SQL database expected")
            }
            results += try await holding(poolSize, of: sql, body)
        }
        return results
    }

    private static func holding<T: Sendable>(
        _ count: Int, of sql: any SQLDatabase, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> [(pid: Int, value: T)] {
        guard count > 0 else { return [] }
        return try await sql.withSession { session in
            let pid = try await session.raw("SELECT pg_backend_pid() AS pid").first()?.decode(column: "pid", as: Int.self) ?? 0
            return [(pid, try await body(session))] + (try await holding(count - 1, of: sql, body))
        }
    }

    /// The backends connected to the server's database (all of them the server's pool).
    static func appBackends(_ server: TestServer) async throws -> Set<Int> {
        Set(try await server.sql.raw("""
            SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'
            """).all().map { try $0.decode(column: "pid", as: Int.self) })
    }

    /// A LIKE pattern as a regular expression over the whole (multi-line) text.
    static func likeRegex(_ pattern: String) -> String {
        "(?s)^" + pattern.split(separator: "%", omittingEmptySubsequences: false)
            .map { NSRegularExpression.escapedPattern(for: String($0)) }.joined(separator: ".*") + "$"
    }
}
