import CompeteCore
import Foundation

/// Delivers messages. Delivery is idempotent per job: delivering the same job twice leaves one
/// message.
public protocol MailTransport: Sendable {
    func deliver(_ message: MailMessage, jobId: UUID, now: Date) async throws
    /// The job that carried `jobId`'s message was dead-lettered: it will not be tried again.
    func gaveUp(jobId: UUID, error: String) async
}

extension MailTransport {
    public func gaveUp(jobId: UUID, error: String) async {}
}

/// Where a transport that sends beyond the mailbox notes how far each message got.
public protocol DeliveryLog: Sendable {
    func record(jobId: UUID, delivery: MailDelivery, error: String?) async throws
}

/// Fault injection for tests and demos: `MAIL_FAILURE_RATE` fails that fraction of deliveries
/// before they reach the wrapped transport; `MAIL_DELAY_MS` simulates a slow mail server.
public struct FlakyMailTransport: MailTransport {
    let base: any MailTransport
    let failureRate: Double
    let delay: Duration
    let random: @Sendable () -> Double

    public struct SimulatedFailure: Error, CustomStringConvertible {
        public var description: String { "simulated mail transport failure (MAIL_FAILURE_RATE)" }
    }

    public init(base: any MailTransport, failureRate: Double, delay: Duration = .zero, random: @escaping @Sendable () -> Double) {
        self.base = base
        self.failureRate = failureRate
        self.delay = delay
        self.random = random
    }

    public func deliver(_ message: MailMessage, jobId: UUID, now: Date) async throws {
        if delay > .zero { try await Task.sleep(for: delay) }
        if failureRate > 0, random() < failureRate { throw SimulatedFailure() }
        try await base.deliver(message, jobId: jobId, now: now)
    }

    public func gaveUp(jobId: UUID, error: String) async {
        await base.gaveUp(jobId: jobId, error: error)
    }
}
