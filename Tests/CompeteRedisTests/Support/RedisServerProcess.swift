import CompeteRedis
import Foundation
import NIOCore
import NIOPosix

/// A redis-server of the test's own on 127.0.0.1, for what the shared server must not be put
/// through: a password, a restart. Runs in the foreground as our child so the test can stop it
/// and start it again on the same port.
final class RedisServerProcess: @unchecked Sendable {
    // Unchecked: `process` is replaced only by `start()`/`stop()`, which a test calls in sequence.
    let port: Int
    let password: String?
    private let directory: URL
    private var process: Process?

    static let binary: String? = ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    private init(port: Int, password: String?) throws {
        self.port = port
        self.password = password
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mc-redis-test-\(port)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Starts a server on a free port and runs `body`; the server is stopped afterwards whatever
    /// happens.
    static func with<T>(password: String? = nil, _ body: (RedisServerProcess) async throws -> T) async throws -> T {
        let server = try RedisServerProcess(port: try await freePort(), password: password)
        do {
            try await server.start()
            let result = try await body(server)
            await server.stop()
            server.removeDirectory()
            return result
        } catch {
            await server.stop()
            server.removeDirectory()
            throw error
        }
    }

    func configuration(password: String? = nil, username: String? = nil, database: Int = 0,
                       poolSize: Int = 2) throws -> RedisConfiguration {
        try RedisConfiguration(host: "127.0.0.1", port: port, username: username, password: password,
                               database: database, poolSize: poolSize,
                               connectTimeout: .seconds(2), commandTimeout: .seconds(5))
    }

    func start() async throws {
        guard let binary = Self.binary else { throw RedisError.connection("redis-server is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no",
                             "--daemonize", "no", "--dir", directory.path, "--logfile", directory.appendingPathComponent("redis.log").path]
            + (password.map { ["--requirepass", $0] } ?? [])
        try process.run()
        self.process = process
        // Ready when it answers PING (or, with a password, asks for AUTH).
        let probe = try configuration(password: password, poolSize: 1)
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let connection = try? await RedisConnection.connect(to: probe) {
                let reply = try? await connection.send(["PING"])
                await connection.close()
                if reply == .simpleString("PONG") { return }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RedisError.connection("redis-server on port \(port) did not start within 10 s")
    }

    /// SHUTDOWN NOSAVE, then waits until the port refuses connections so it is free for a
    /// restart. Not SIGTERM: children spawned from the test runner inherit a signal mask that
    /// blocks it (measured: SigBlk includes SIGTERM), so Redis would never see it. SIGKILL after
    /// five seconds is the fallback.
    func stop() async {
        guard let process else { return }
        self.process = nil
        guard let admin = try? configuration(password: password, poolSize: 1),
              let probe = try? configuration(poolSize: 1)
        else { return }
        if let connection = try? await RedisConnection.connect(to: admin) {
            // Redis closes the connection instead of replying when the shutdown succeeds.
            _ = try? await connection.send(["SHUTDOWN", "NOSAVE"])
            await connection.close()
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            guard let connection = try? await RedisConnection.connect(to: probe) else { return }
            await connection.close()
            try? await Task.sleep(for: .milliseconds(20))
        }
        kill(process.processIdentifier, SIGKILL)
    }

    private func removeDirectory() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A port the kernel just handed out, so parallel tests do not collide.
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}
