@testable import CompeteAPI
import AsyncHTTPClient
import CompeteApp
import CompeteCore
import CompeteRedis
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import SQLKit
import ServiceLifecycle
import Vapor

/// A real Mini Compete server on a random loopback port, built by the same composition root as
/// the executable, on a fresh database of the chosen backend.
final class TestServer: Sendable {
    let system: MiniCompete
    let baseURL: String
    let webURL: String
    let backend: Backend
    let clock: TestClock
    private let cleanup: @Sendable () async throws -> Void

    static let jwtSecret = "test-secret-that-is-long-enough-for-hs256!"

    /// One HTTP client for the whole test run, allowing hundreds of parallel connections so
    /// storm tests really are concurrent.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 700)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    private init(system: MiniCompete, port: Int, webPort: Int, backend: Backend, clock: TestClock, cleanup: @escaping @Sendable () async throws -> Void) {
        self.system = system
        self.baseURL = "http://127.0.0.1:\(port)"
        self.webURL = "http://127.0.0.1:\(webPort)"
        self.backend = backend
        self.clock = clock
        self.cleanup = cleanup
    }

    /// `sharing`: a second instance on the same PostgreSQL database (and Redis namespace) as
    /// that server, as the scale-out runs them; the database stays until that server stops.
    static func start(
        _ backend: Backend, sharing peer: TestServer? = nil, configure: (inout AppConfig) -> Void = { _ in }
    ) async throws -> TestServer {
        var config = AppConfig()
        config.appEnv = "testing"
        config.apiPort = 0
        config.webPort = 0
        config.bcryptCost = 4
        config.seedDemoData = false
        config.jwtSecret = jwtSecret
        config.logLevel = .error
        config.dbPoolSize = 3
        // Every test client is one address signing up, logging in and registering far more
        // than a person would: the budgets are set high here and SecurityAuthTests sets the
        // ones it tests. The same for the hashing queue: storms sign up hundreds at once.
        config.rateLimits.signupPerAddress.limit = 100_000
        config.rateLimits.loginPerAddress.limit = 100_000
        config.rateLimits.registrationsPerUser.limit = 100_000
        config.bcryptQueue = 10_000
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mc-test-\(UUID().uuidString)")
        config.dataDir = directory.path
        var dropDatabase: (@Sendable () async throws -> Void)?
        if let peer {
            guard backend != .sqlite else { throw TestFailure("instances share a PostgreSQL database only") }
            config.databaseURL = peer.system.config.databaseURL
        } else if backend != .sqlite {
            let database = try await PostgresTestDatabase.create()
            config.databaseURL = database.url
            dropDatabase = database.drop
        }
        if backend.usesRedis, let url = Backend.redisURL {
            config.redis = try RedisConfiguration(url: url)
            // Every server its own namespace: workers must never take another test's jobs.
            config.redisNamespace = peer?.system.config.redisNamespace ?? RedisNamespace("mc-test-\(UUID().uuidString.lowercased()):")
        }
        configure(&config)

        let clock = TestClock()
        let random = SeededRandom(seed: 42)
        let app = try await Application.make(.testing)
        let system: MiniCompete
        let roles: RoleServices
        do {
            system = try await MiniCompete.build(app, config: config, effects: Effects(now: { clock.now() }, random: { random.next() }))
            try await system.migrate()
            try await app.asyncBoot()
            roles = system.services(for: [.api, .web])
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        // The same services and shutdown order as the executable; stopped by `stop()`, not signals.
        let group = roles.group(stopOnSignals: false, logger: app.logger)
        let running = Task { try await group.run() }
        let stopServing: @Sendable () async throws -> Void = {
            await group.triggerGracefulShutdown()
            let stopped = await running.result
            try await app.asyncShutdown()
            try stopped.get()
        }
        let port: Int, webPort: Int
        do {
            guard let api = roles.api, let web = roles.web else { throw TestFailure("API and web UI expected") }
            (port, webPort) = (try await api.boundPort.value(), try await web.boundPort.value())
        } catch {
            try? await stopServing()
            throw error
        }
        let drop = dropDatabase
        return TestServer(system: system, port: port, webPort: webPort, backend: backend, clock: clock) {
            try await stopServing()
            try? FileManager.default.removeItem(at: directory)
            try await drop?()
        }
    }

    func stop() async throws {
        try await cleanup()
    }

    var sql: any SQLDatabase {
        guard let sql = system.app.db as? any SQLDatabase else { preconditionFailure("SQL database expected") }
        return sql
    }

    /// Runs one SQL query and returns the integer in column `n` of its first row.
    func count(_ query: SQLQueryString) async throws -> Int {
        try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? 0
    }
}

/// Starts a server, runs `body`, and always stops the server.
func withServer<T>(
    _ backend: Backend, configure: (inout AppConfig) -> Void = { _ in },
    _ body: (TestServer) async throws -> T
) async throws -> T {
    let server = try await TestServer.start(backend, configure: configure)
    do {
        let result = try await body(server)
        try await server.stop()
        return result
    } catch {
        try? await server.stop()
        throw error
    }
}

/// A clock the tests can move forward; follows the real time until frozen.
final class TestClock: Sendable {
    private let state = NIOLockedValueBox<(offset: TimeInterval, frozen: Date?)>((0, nil))

    func now() -> Date {
        state.withLockedValue { $0.frozen ?? Date().addingTimeInterval($0.offset) }
    }

    /// Stops the clock, so that only `advance` moves it (no flakiness on a slow machine).
    func freeze() {
        state.withLockedValue { $0.frozen = Date().addingTimeInterval($0.offset) }
    }

    func advance(by seconds: TimeInterval) {
        state.withLockedValue { state in
            state.offset += seconds
            state.frozen = state.frozen?.addingTimeInterval(seconds)
        }
    }
}

/// Reproducible randomness (SplitMix64), so fault-injection runs are the same every time.
final class SeededRandom: Sendable {
    private let state: NIOLockedValueBox<UInt64>

    init(seed: UInt64) {
        state = NIOLockedValueBox(seed)
    }

    /// Uniform in 0..<1.
    func next() -> Double {
        let value = state.withLockedValue { state -> UInt64 in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return Double(value >> 11) / Double(1 << 53)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
