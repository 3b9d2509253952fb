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
            """).all(decoding: MailboxRow.self, with: .snakeCase).map(\.entry)
    }

    public func registrationContext(_ registrationId: UUID) async throws -> RegistrationMailContext? {
        try await context.sql.raw("""
            SELECT r.id, r.status, u.id AS user_id, u.name, u.email, c.id AS competition_id, c.title, c.start_date, c.time_zone,
                   t.id AS team_id, t.name AS team_name, cu.id AS captain_id, cu.name AS captain_name, cu.email AS captain_email
            FROM registrations r JOIN users u ON u.id = r.user_id JOIN competitions c ON c.id = r.competition_id
                 LEFT JOIN teams t ON t.id = r.team_id LEFT JOIN users cu ON cu.id = t.captain_id
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

    var entry: MailboxEntry {
        MailboxEntry(
            id: id,
            message: MailMessage(
                kind: MailMessage.Kind(rawValue: kind) ?? .confirmation, userId: userId, to: toAddress,
                subject: subject, body: body
            ),
            sentAt: sentAt
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
    let competitionId: UUID
    let title: String
    let startDate: Date
    let timeZone: String
    let teamId: UUID?
    let teamName: String?
    let captainId: UUID?
    let captainName: String?
    let captainEmail: String?

    var context: RegistrationMailContext {
        var team: TeamMailContext?
        if let teamId, let teamName, let captainId, let captainName, let captainEmail {
            team = TeamMailContext(id: teamId, name: teamName, captainId: captainId, captainName: captainName, captainEmail: captainEmail)
        }
        return RegistrationMailContext(
            registrationId: id, status: RegistrationStatus(rawValue: status) ?? .cancelled,
            userId: userId, userName: name, email: email,
            competitionId: competitionId, competitionTitle: title, startDate: startDate,
            timeZone: CompetitionRow.zone(timeZone), team: team
        )
    }
}
