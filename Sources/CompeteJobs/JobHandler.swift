import CompeteCore
import Foundation

/// Turns a job into its message and delivers it. Safe to run twice for the same job: the
/// transport keeps one message per job id.
public struct JobHandler: Sendable {
    let contexts: any MailContextStore
    let transport: any MailTransport
    let links: MessageLinks

    public init(contexts: any MailContextStore, transport: any MailTransport, links: MessageLinks) {
        self.contexts = contexts
        self.transport = transport
        self.links = links
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
            message = Messages.confirmation(context, links: links)
        case .registrationCancellation:
            message = Messages.cancellation(context)
        case .registrationPromotion:
            message = Messages.promotion(context, links: links)
        case .reminderNotify:
            // Cancelled since it was scheduled, or already under way: nothing to remind of.
            guard context.status == .confirmed, context.startDate > now else { return }
            message = Messages.reminder(context, lastHour: payload.reminder == "1h")
        case .teamMemberJoined, .teamMemberLeft:
            guard let team = context.team else {
                throw PermanentJobFailure("registration \(payload.registrationId) belongs to no team")
            }
            message = type == .teamMemberJoined
                ? Messages.memberJoined(context, team: team, links: links) : Messages.memberLeft(context, team: team, links: links)
        }
        try await transport.deliver(message, jobId: job.id, now: now)
    }
}
