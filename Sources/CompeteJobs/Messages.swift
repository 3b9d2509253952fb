import CompeteCore
import Foundation

/// What a message needs to know about a registration, read when the job runs.
public struct RegistrationMailContext: Sendable {
    public let registrationId: UUID
    public let status: RegistrationStatus
    public let userId: UUID
    public let userName: String
    public let email: String
    public let competitionId: UUID
    public let competitionTitle: String
    public let startDate: Date
    /// The competition's: messages give its times on this zone's clock.
    public let timeZone: TimeZoneName
    /// The registration's team, in a team competition.
    public let team: TeamMailContext?

    public init(
        registrationId: UUID, status: RegistrationStatus, userId: UUID, userName: String, email: String,
        competitionId: UUID, competitionTitle: String, startDate: Date, timeZone: TimeZoneName = .utc, team: TeamMailContext? = nil
    ) {
        self.registrationId = registrationId
        self.status = status
        self.userId = userId
        self.userName = userName
        self.email = email
        self.competitionId = competitionId
        self.competitionTitle = competitionTitle
        self.startDate = startDate
        self.timeZone = timeZone
        self.team = team
    }
}

/// A team and its captain, as the captain's notices need them.
public struct TeamMailContext: Sendable {
    public let id: UUID
    public let name: String
    public let captainId: UUID
    public let captainName: String
    public let captainEmail: String

    public init(id: UUID, name: String, captainId: UUID, captainName: String, captainEmail: String) {
        self.id = id
        self.name = name
        self.captainId = captainId
        self.captainName = captainName
        self.captainEmail = captainEmail
    }
}

/// Where links in messages point.
public struct MessageLinks: Sendable {
    public let apiBase: String
    public let webBase: String

    public init(apiBase: String, webBase: String) {
        self.apiBase = apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase
        self.webBase = webBase.hasSuffix("/") ? String(webBase.dropLast()) : webBase
    }

    func page(_ c: RegistrationMailContext) -> String {
        SiteURL.competition(c.competitionId).absolute(on: webBase)
    }

    func team(_ team: TeamMailContext) -> String {
        SiteURL.team(team.id).absolute(on: webBase)
    }

    func calendar(_ c: RegistrationMailContext) -> String {
        SiteURL.apiCalendar(c.competitionId).absolute(on: apiBase)
    }
}

public protocol MailContextStore: Sendable {
    func registrationContext(_ registrationId: UUID) async throws -> RegistrationMailContext?
}

/// The wording of every message.
enum Messages {
    static func confirmation(_ c: RegistrationMailContext, links: MessageLinks) -> MailMessage {
        MailMessage(kind: .confirmation, userId: c.userId, to: c.email,
                    subject: "You're registered: \(c.competitionTitle)", body: """
            Hi \(c.userName),

            your seat for \(c.competitionTitle) is confirmed. It starts \(starts(c)).
            Add it to your calendar: \(links.calendar(c))

            Changed your mind? Cancel any time from "My registrations" (\(links.page(c))), or with
            DELETE \(SiteURL.apiRegistration(c.competitionId).path) — your seat goes to someone else at once.

            Registration \(c.registrationId.uuidString.lowercased())
            """)
    }

    static func promotion(_ c: RegistrationMailContext, links: MessageLinks) -> MailMessage {
        MailMessage(kind: .promotion, userId: c.userId, to: c.email,
                    subject: "A seat opened up: \(c.competitionTitle)", body: """
            Hi \(c.userName),

            good news: a seat freed up and you moved from the waitlist into \(c.competitionTitle).
            Your registration is confirmed. It starts \(starts(c)).
            Add it to your calendar: \(links.calendar(c))

            Can't make it after all? Cancel from "My registrations" (\(links.page(c))) so the next person gets the seat.
            """)
    }

    static func cancellation(_ c: RegistrationMailContext) -> MailMessage {
        MailMessage(kind: .cancellation, userId: c.userId, to: c.email,
                    subject: "Registration cancelled: \(c.competitionTitle)", body: """
            Hi \(c.userName),

            your registration for \(c.competitionTitle) (starting \(starts(c))) is cancelled and your seat released.
            You can register again while registration is open and seats are left.
            """)
    }

    static func reminder(_ c: RegistrationMailContext, lastHour: Bool) -> MailMessage {
        MailMessage(kind: .reminder, userId: c.userId, to: c.email,
                    subject: lastHour ? "Starting within the hour: \(c.competitionTitle)" : "Starting soon: \(c.competitionTitle)", body: """
            Hi \(c.userName),

            a reminder that \(c.competitionTitle) starts \(starts(c)). Good luck!

            Can't make it? Cancel from "My registrations" so someone else can take your seat.
            """)
    }

    /// To the captain, about the member of `c`'s registration.
    static func memberJoined(_ c: RegistrationMailContext, team: TeamMailContext, links: MessageLinks) -> MailMessage {
        MailMessage(kind: .teamMemberJoined, userId: team.captainId, to: team.captainEmail,
                    subject: "\(c.userName) joined \(team.name)", body: """
            Hi \(team.captainName),

            \(c.userName) joined your team \(team.name) for \(c.competitionTitle) (starting \(starts(c))).
            See who is in, and manage the team: \(links.team(team))
            """)
    }

    static func memberLeft(_ c: RegistrationMailContext, team: TeamMailContext, links: MessageLinks) -> MailMessage {
        MailMessage(kind: .teamMemberLeft, userId: team.captainId, to: team.captainEmail,
                    subject: "\(c.userName) left \(team.name)", body: """
            Hi \(team.captainName),

            \(c.userName) is no longer in your team \(team.name) for \(c.competitionTitle).
            Invite someone else with your team's link: \(links.team(team))
            """)
    }

    /// When the competition starts, on its own clock with the offset and the zone's name
    /// ("Thursday, 3 December 2026, 19:00 UTC+1 (Europe/Berlin)"): unambiguous wherever it is read.
    static func starts(_ c: RegistrationMailContext) -> String {
        LocalTime.long(c.startDate, in: c.timeZone)
    }
}
