import Foundation
import Logging
import Metrics

/// Settings of the webhook delivery lane.
public struct WebhookLaneSettings: Sendable {
    /// Deliveries in flight at once in this process.
    public var concurrency: Int
    /// How long a claim holds a delivery; longer than the HTTP timeout.
    public var lease: TimeInterval
    public var retry: RetryPolicy
    /// How often an idle lane looks for due deliveries.
    public var pollInterval: Duration

    public init(concurrency: Int = 8, lease: TimeInterval = 30, retry: RetryPolicy, pollInterval: Duration = .milliseconds(500)) {
        self.concurrency = concurrency
        self.lease = lease
        self.retry = retry
        self.pollInterval = pollInterval
    }
}

/// Delivers webhooks in a lane of their own, apart from the job worker, so that a slow receiver
/// never holds up confirmation emails. Up to `concurrency` deliveries are in flight; as soon as
/// one finishes its slot is refilled, so a receiver that hangs costs one slot for at most the
/// timeout and the others keep flowing.
public final class WebhookLane: BackgroundLoop {
    let queue: any WebhookDeliveryQueue
    let sender: any WebhookSender
    let settings: WebhookLaneSettings
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double
    let logger: Logger
    private let task = LoopTask()

    public init(
        queue: any WebhookDeliveryQueue, sender: any WebhookSender, settings: WebhookLaneSettings,
        now: @escaping @Sendable () -> Date, random: @escaping @Sendable () -> Double, logger: Logger
    ) {
        self.queue = queue
        self.sender = sender
        self.settings = settings
        self.now = now
        self.random = random
        self.logger = logger
    }

    public func start() {
        task.start { await self.loop() }
    }

    /// Stops claiming and waits for the deliveries in flight (at most the HTTP timeout).
    public func stop() async {
        await task.stop()
    }

    private var isStopped: Bool { task.isStopped }

    /// Children answer true when a delivery finished, false when the idle timer rang.
    private func loop() async {
        await withTaskGroup(of: Bool.self) { group in
            var inFlight = 0
            var timerSet = false
            while !isStopped {
                let free = settings.concurrency - inFlight
                if free > 0 {
                    let claimed = await claim(free)
                    for dispatch in claimed { group.addTask { await self.attempt(dispatch); return true } }
                    inFlight += claimed.count
                    if !claimed.isEmpty, claimed.count == free { continue }
                }
                if !timerSet {
                    let interval = settings.pollInterval
                    group.addTask { try? await Task.sleep(for: interval); return false }
                    timerSet = true
                }
                if let finished = await group.next() {
                    if finished { inFlight -= 1 } else { timerSet = false }
                }
            }
            // Let the deliveries in hand finish; the idle timer is short.
            while await group.next() != nil {}
        }
    }

    private func claim(_ limit: Int) async -> [WebhookDispatch] {
        do {
            return try await queue.claim(limit: limit, now: now(), lease: settings.lease)
        } catch {
            logger.warning("webhook claim failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// One attempt and its settlement. If settling fails (database down), the lease runs out and
    /// the delivery is attempted again: receivers dedupe on `webhook-id`.
    func attempt(_ dispatch: WebhookDispatch) async {
        var logger = self.logger
        logger[metadataKey: "delivery-id"] = "\(dispatch.id.uuidString.lowercased())"
        logger[metadataKey: "webhook-id"] = "\(dispatch.eventId.uuidString.lowercased())"
        logger[metadataKey: "attempt"] = "\(dispatch.attempts)"
        let result = await sender.send(dispatch, now: now())
        let outcome: String
        do {
            switch result {
            case .answered(let code) where (200...299).contains(code):
                try await queue.delivered(dispatch, statusCode: code, now: now())
                outcome = "delivered"
            case .answered(410):
                try await queue.gone(dispatch, now: now())
                outcome = "gone"
                logger.warning("webhook receiver answered 410 Gone: subscription disabled")
            case .answered(let code):
                outcome = try await failed(dispatch, statusCode: code, error: "HTTP \(code)", logger: logger)
            case .failed(let error):
                outcome = try await failed(dispatch, statusCode: nil, error: error, logger: logger)
            }
        } catch {
            logger.error("could not settle webhook delivery; it will be retried after its lease", metadata: ["error": "\(error)"])
            return
        }
        Counter(label: "webhook_deliveries_total", dimensions: [("outcome", outcome)]).increment()
    }

    private func failed(_ dispatch: WebhookDispatch, statusCode: Int?, error: String, logger: Logger) async throws -> String {
        guard dispatch.attempts < settings.retry.maxAttempts else {
            try await queue.fail(dispatch, statusCode: statusCode, error: error, now: now())
            logger.error("webhook delivery failed after its last attempt", metadata: ["error": "\(error)"])
            return "failed"
        }
        let delay = settings.retry.delay(afterAttempt: dispatch.attempts, random: random())
        try await queue.retry(dispatch, statusCode: statusCode, error: error, at: now().addingTimeInterval(delay), now: now())
        logger.info("webhook attempt failed, will retry", metadata: ["error": "\(error)", "retry-in-seconds": "\(delay)"])
        return "retried"
    }

    /// The outcomes `webhook_deliveries_total` counts, declared at zero.
    public static func declareMetrics() {
        for outcome in ["delivered", "retried", "failed", "gone"] {
            _ = Counter(label: "webhook_deliveries_total", dimensions: [("outcome", outcome)])
        }
    }
}
