import FluentSQLiteDriver
import Logging
import NIOCore
import NIOPosix

/// The one connection SQLite's single writer uses, and the first-come, first-served queue for
/// it. Transactions queue here rather than for a pooled connection: the pool has one
/// connection per event loop, so a writer would otherwise wait behind reads for one, holding
/// up every writer queued after it; and SQLite's busy handler spins a core while a second
/// connection waits for the write lock. Other processes on the same file are still handled by
/// SQLite's own locking. Opened on first use; `close()` at shutdown.
public actor SQLiteWriter {
    private let path: String
    private let threadPool: NIOThreadPool
    private let eventLoop: any EventLoop
    private let logger: Logger
    private var connection: SQLiteConnection?
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(path: String, threadPool: NIOThreadPool, eventLoop: any EventLoop, logger: Logger) {
        self.path = path
        self.threadPool = threadPool
        self.eventLoop = eventLoop
        self.logger = logger
    }

    /// Waits for the writer's turn; the caller must `release()` when its transaction has ended.
    func acquire() async throws -> SQLiteConnection {
        if held {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            held = true
        }
        do {
            return try await open()
        } catch {
            release()
            throw error
        }
    }

    func release() {
        if waiting.isEmpty {
            held = false
        } else {
            waiting.removeFirst().resume()
        }
    }

    /// At shutdown, and after a failed rollback (the connection may still be inside the
    /// transaction): the next writer, if any, opens a new connection.
    public func close() async {
        guard let connection else { return }
        self.connection = nil
        try? await connection.close()
    }

    private func open() async throws -> SQLiteConnection {
        if let connection, !connection.isClosed { return connection }
        let opened = try await SQLiteConnection.open(
            storage: .file(path: path), threadPool: threadPool, logger: logger, on: eventLoop
        )
        // As the pooled connections are configured (SQLiteKit's default).
        _ = try await opened.query("PRAGMA foreign_keys = ON")
        connection = opened
        return opened
    }
}
