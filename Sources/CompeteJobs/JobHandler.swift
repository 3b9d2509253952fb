import CompeteCore
import Foundation

/// Turns a job into its message and delivers it. Safe to run twice for the same job: the
/// transport keeps one message per job id.
public struct JobHandler: Sendable {
    let contexts: any MailContextStore
    let transport: any MailTransport

    public init(contexts: any MailContextStore, transport: any MailTransport) {
        self.contexts = contexts
        self.transport = transport
    }

    public func handle(_ job: Job, now: Date) async throws {
        guard let type = JobType(rawValue: job.type) else {
            throw PermanentJobFailure("unknown job type '\(job.type)'")
        }
        let payload: RegistrationJobPayload
        do {
            payload = try JSONDecoder().decode(RegistrationJobPayload.self, from: Data(job.payload.utf8))
        } catch {
            throw PermanentJobFailure("unreadable payload: \(error)")
        }
        guard let context = try await contexts.registrationContext(payload.registrationId) else {
            throw PermanentJobFailure("registration \(payload.registrationId) does not exist")
        }
        let message: MailMessage
        switch type {
        case .registrationConfirmation:
            message = Messages.confirmation(context)
        case .registrationCancellation:
            message = Messages.cancellation(context)
        case .reminderNotify:
            // Cancelled since it was scheduled, or already under way: nothing to remind of.
            guard context.status == .confirmed, context.startDate > now else { return }
            message = Messages.reminder(context)
        }
        try await transport.deliver(message, jobId: job.id, now: now)
    }
}
