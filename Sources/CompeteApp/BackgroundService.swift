import CompeteJobs
import Logging
import ServiceLifecycle

/// A background role (worker, reminder scheduler, janitor) as a service: its loop runs from start
/// until graceful shutdown, then the round in progress finishes — a worker completes the jobs in
/// hand rather than leaving them to wait out their lease — before `run` returns.
struct BackgroundService: Service, CustomStringConvertible {
    let name: String
    let repeater: any BackgroundLoop
    let logger: Logger

    var description: String { name }

    func run() async throws {
        repeater.start()
        logger.info("\(name) started")
        try? await gracefulShutdown()
        logger.notice("\(name) stopping: finishing the work in hand")
        await repeater.stop()
        logger.notice("\(name) stopped")
    }
}
