import CompeteCore
import NIOConcurrencyHelpers
import Vapor

/// Deletes idempotency outcomes past their retention, at start and then every ten minutes.
struct IdempotencyJanitor: LifecycleHandler {
    let service: IdempotencyService
    let logger: Logger
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(service: IdempotencyService, logger: Logger) {
        self.service = service
        self.logger = logger
    }

    func didBootAsync(_ application: Application) async throws {
        let service = self.service
        let logger = self.logger
        task.withLockedValue {
            $0 = Task {
                while !Task.isCancelled {
                    do {
                        let removed = try await service.purgeExpired()
                        if removed > 0 { logger.info("purged expired idempotency keys", metadata: ["count": "\(removed)"]) }
                    } catch {
                        logger.warning("idempotency purge failed", metadata: ["error": "\(error)"])
                    }
                    try? await Task.sleep(for: .seconds(600))
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        task.withLockedValue { $0?.cancel() }
    }
}
