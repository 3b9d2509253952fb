import Logging
import ServiceLifecycle
import Synchronization

/// The port a server actually bound, for whoever has to wait for it: tests bind port 0 and need
/// to know where to connect once the service group has started the server. Settled once — with
/// the port when the server listens, with the error when it could not start — so a waiter never
/// hangs on a server that failed.
public final class BoundPort: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case settled(Result<Int, any Error>)
    }

    private let state = Mutex<State>(.waiting([]))

    init() {}

    /// Waits until the server listens; throws what kept it from starting.
    public func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let settled = state.withLock { state -> Result<Int, any Error>? in
                switch state {
                case .settled(let result):
                    return result
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                }
            }
            if let settled { continuation.resume(with: settled) }
        }
    }

    func settle(_ result: Result<Int, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = .settled(result)
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}

extension BoundPort {
    /// What the API and the web UI servers do as services: start (`start` returns the port it
    /// listens on), settle this port, wait for graceful shutdown (or cancellation: another role
    /// failed), then stop accepting and finish the requests in flight (`stop`).
    func serve(
        _ name: String, logger: Logger, url: (Int) -> String,
        start: () async throws -> Int, stop: () async throws -> Void
    ) async throws {
        let listening: Int
        do {
            listening = try await start()
        } catch {
            settle(.failure(error))
            throw error
        }
        settle(.success(listening))
        logger.notice("\(name) listening", metadata: ["url": "\(url(listening))"])
        try? await gracefulShutdown()
        logger.notice("\(name) stopping: finishing requests in flight")
        try await stop()
        logger.notice("\(name) stopped")
    }
}
