import CompeteCore
import CompeteJobs
import Foundation
import SQLKit

/// The mailbox: every message is recorded here, at most one row per job, with how far its
/// delivery got. Without SMTP it is the whole transport (delivery stays `recorded`).
public struct SQLMailbox: MailTransport, MailboxReader, MailContextStore, DeliveryLog {
    let context: SQLContext

    public init(context: SQLContext) {
        self.context = context
    }

    public func deliver(_ message: MailMessage, jobId: UUID, now: Date) async throws {
        try await context.sql.raw("""
            INSERT INTO mailbox (id, job_id, user_id, kind, to_address, subject, body, sent_at, registration_id)
            VALUES (\(bind: UUID()), \(bind: jobId), \(bind: message.userId), \(bind: message.kind.rawValue),
                    \(bind: message.to), \(bind: message.subject), \(bind: message.body), \(bind: now),
                    \(bind: message.registrationId))
            ON CONFLICT (job_id) DO NOTHING
            """).run()
    }

    public func record(jobId: UUID, delivery: MailDelivery, error: String?) async throws {
        try await context.sql.raw("""
            UPDATE mailbox SET delivery = \(bind: delivery.rawValue), delivery_error = \(bind: error)
            WHERE job_id = \(bind: jobId)
            """).run()
    }

    public func messages(userId: UUID, limit: Int) async throws -> [MailboxEntry] {
        try await context.sql.raw("""
            SELECT id, user_id, kind, to_address, subject, body, sent_at, delivery FROM mailbox
            WHERE user_id = \(bind: userId) ORDER BY sent_at DESC, id LIMIT \(bind: limit)
            """).all(decoding: MailboxRow.self, with: .snakeCase).map(\.entry)
    }

    public func registrationContext(_ registrationId: UUID) async throws -> RegistrationMailContext? {
        try await context.sql.raw("""
            SELECT r.id, r.status, u.id AS user_id, u.name, u.email, u.reminders_enabled,
                   c.id AS competition_id, c.title, c.description, c.start_date, c.updated_at, c.time_zone,
                   o.name AS organizer_name, r.decline_reason
            FROM registrations r JOIN users u ON u.id = r.user_id JOIN competitions c ON c.id = r.competition_id
                 JOIN users o ON o.id = c.organizer_id
            WHERE r.id = \(bind: registrationId)
            """).first(decoding: MailContextRow.self, with: .snakeCase)?.context
    }
}

/// A row of `mailbox`.
private struct MailboxRow: Decodable {
    let id: UUID
    let userId: UUID
    let kind: String
    let toAddress: String
    let subject: String
    let body: String
    let sentAt: Date
    let delivery: String

    var entry: MailboxEntry {
        MailboxEntry(
            id: id,
            message: MailMessage(
                kind: MailMessage.Kind(rawValue: kind) ?? .confirmation, userId: userId, to: toAddress,
                subject: subject, body: body
            ),
            sentAt: sentAt, delivery: MailDelivery(rawValue: delivery) ?? .recorded
        )
    }
}

/// A registration with its participant and competition, as a message about it needs them.
private struct MailContextRow: Decodable {
    let id: UUID
    let status: String
    let userId: UUID
    let name: String
    let email: String
    let remindersEnabled: Bool
    let competitionId: UUID
    let title: String
    let description: String
    let startDate: Date
    let updatedAt: Date
    let organizerName: String
    let declineReason: String?
    let timeZone: String

    var context: RegistrationMailContext {
        RegistrationMailContext(
            registrationId: id, status: RegistrationStatus(rawValue: status) ?? .cancelled,
            userId: userId, userName: name, email: email, remindersEnabled: remindersEnabled,
            competitionId: competitionId, competitionTitle: title, competitionDescription: description,
            organizerName: organizerName, startDate: startDate, updatedAt: updatedAt, declineReason: declineReason,
            timeZone: CompetitionRow.zone(timeZone)
        )
    }
}
