import Foundation
import Logging
import Synchronization

/// Something that runs in the background from `start()` until `stop()` returns, finishing the
/// work in hand first (the job worker's `Repeater`, the webhook lane).
public protocol BackgroundLoop: Sendable {
    func start()
    func stop() async
}

/// The task behind a `BackgroundLoop`: started once, told to stop, then awaited.
final class LoopTask: Sendable {
    private let state = Mutex<(stopped: Bool, task: Task<Void, Never>?)>((false, nil))

    func start(_ body: @escaping @Sendable () async -> Void) {
        let task = Task { await body() }
        state.withLock { $0.task = task }
    }

    /// Marks the loop stopped and waits for its task to end.
    func stop() async {
        let task = state.withLock { state -> Task<Void, Never>? in
            state.stopped = true
            return state.task
        }
        await task?.value
    }

    var isStopped: Bool { state.withLock { $0.stopped } }
}

/// Runs `body` over and over until stopped: again at once while it reports work done, otherwise
/// after `interval`. `stop()` lets the round in progress finish (a worker finishes the jobs in
/// hand) and then returns.
public final class Repeater: BackgroundLoop {
    private let name: String
    private let interval: Duration
    private let logger: Logger
    private let body: @Sendable () async throws -> Bool
    private let loop = LoopTask()

    /// `body` returns true when it did work and should run again immediately.
    public init(name: String, interval: Duration, logger: Logger, _ body: @escaping @Sendable () async throws -> Bool) {
        self.name = name
        self.interval = interval
        self.logger = logger
        self.body = body
    }

    public func start() {
        loop.start { [self] in
            while !isStopped {
                var busy = false
                do {
                    busy = try await body()
                } catch {
                    logger.warning("\(name) round failed", metadata: ["error": "\(error)"])
                }
                if !busy { await pause() }
            }
        }
    }

    public func stop() async {
        await loop.stop()
    }

    private var isStopped: Bool { loop.isStopped }

    /// Sleeps in short slices so that `stop()` is noticed quickly.
    private func pause() async {
        let slice = Duration.milliseconds(50)
        var waited = Duration.zero
        while waited < interval, !isStopped {
            try? await Task.sleep(for: min(slice, interval - waited))
            waited += slice
        }
    }
}
