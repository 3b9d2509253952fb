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
