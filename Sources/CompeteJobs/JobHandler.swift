import CompeteCore
import Foundation

/// Turns a job into its message and delivers it. Safe to run twice for the same job: the
/// transport keeps one message per job id.
public struct JobHandler: Sendable {
    let contexts: any MailContextStore
    let transport: any MailTransport
    let messages: Messages

    public init(contexts: any MailContextStore, transport: any MailTransport, links: MessageLinks, templates: MailTemplates) {
        self.contexts = contexts
        self.transport = transport
        self.messages = Messages(templates: templates, links: links)
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
        do {
            switch type {
            case .registrationConfirmation:
                message = try messages.confirmation(context)
            case .registrationCancellation:
                message = try messages.cancellation(context)
            case .registrationPromotion:
                message = try messages.promotion(context)
            case .registrationPending:
                message = try messages.pending(context)
            case .registrationWaitlisted:
                message = try messages.waitlisted(context)
            case .registrationDeclined:
                message = try messages.declined(context)
            case .reminderNotify:
                // Cancelled since it was scheduled, already under way, or reminders turned off:
                // nothing to remind of.
                guard context.status == .confirmed, context.startDate > now, context.remindersEnabled else { return }
                message = try messages.reminder(context, lastHour: payload.reminder == "1h")
            }
        } catch let error as MailTemplates.Invalid {
            throw PermanentJobFailure("\(error)")
        }
        try await transport.deliver(message, jobId: job.id, now: now)
    }

    /// The job was dead-lettered: the transport marks its message failed.
    public func gaveUp(_ job: Job, error: String) async {
        await transport.gaveUp(jobId: job.id, error: error)
    }
}
