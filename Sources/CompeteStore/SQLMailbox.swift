import CompeteCore
import CompeteJobs
import Foundation
import SQLKit

/// The simulated mail server: delivering writes a mailbox row, at most one per job.
public struct SQLMailbox: MailTransport, MailboxReader, MailContextStore {
    let context: SQLContext

    public init(context: SQLContext) {
        self.context = context
    }

    public func deliver(_ message: MailMessage, jobId: UUID, now: Date) async throws {
        try await context.sql.raw("""
            INSERT INTO mailbox (id, job_id, user_id, kind, to_address, subject, body, sent_at)
            VALUES (\(bind: UUID()), \(bind: jobId), \(bind: message.userId), \(bind: message.kind.rawValue),
                    \(bind: message.to), \(bind: message.subject), \(bind: message.body), \(bind: now))
            ON CONFLICT (job_id) DO NOTHING
            """).run()
    }

    public func messages(userId: UUID, limit: Int) async throws -> [MailboxEntry] {
        try await context.sql.raw("""
            SELECT id, user_id, kind, to_address, subject, body, sent_at FROM mailbox
            WHERE user_id = \(bind: userId) ORDER BY sent_at DESC, id LIMIT \(bind: limit)
            """).all().map { row in
                MailboxEntry(
                    id: try row.decode(column: "id", as: UUID.self),
                    message: MailMessage(
                        kind: MailMessage.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .confirmation,
                        userId: try row.decode(column: "user_id", as: UUID.self),
                        to: try row.decode(column: "to_address", as: String.self),
                        subject: try row.decode(column: "subject", as: String.self),
                        body: try row.decode(column: "body", as: String.self)
                    ),
                    sentAt: try row.decode(column: "sent_at", as: Date.self)
                )
            }
    }

    public func registrationContext(_ registrationId: UUID) async throws -> RegistrationMailContext? {
        try await context.sql.raw("""
            SELECT r.id, r.status, u.id AS user_id, u.name, u.email, c.id AS competition_id, c.title, c.start_date
            FROM registrations r JOIN users u ON u.id = r.user_id JOIN competitions c ON c.id = r.competition_id
            WHERE r.id = \(bind: registrationId)
            """).first().map { row in
                RegistrationMailContext(
                    registrationId: try row.decode(column: "id", as: UUID.self),
                    status: RegistrationStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .cancelled,
                    userId: try row.decode(column: "user_id", as: UUID.self),
                    userName: try row.decode(column: "name", as: String.self),
                    email: try row.decode(column: "email", as: String.self),
                    competitionId: try row.decode(column: "competition_id", as: UUID.self),
                    competitionTitle: try row.decode(column: "title", as: String.self),
                    startDate: try row.decode(column: "start_date", as: Date.self)
                )
            }
    }
}
