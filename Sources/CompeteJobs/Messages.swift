import CompeteCore
import Foundation

/// What a message needs to know about a registration, read when the job runs.
public struct RegistrationMailContext: Sendable {
    public let registrationId: UUID
    public let status: RegistrationStatus
    public let userId: UUID
    public let userName: String
    public let email: String
    /// The participant still wants reminders (they can turn them off with one click).
    public let remindersEnabled: Bool
    public let competitionId: UUID
    public let competitionTitle: String
    public let competitionDescription: String
    public let organizerName: String
    public let startDate: Date
    /// When the competition last changed: the calendar entry's DTSTAMP.
    public let updatedAt: Date
    /// The organizer's reason, once declined.
    public let declineReason: String?
    /// The competition's: messages give its times on this zone's clock.
    public let timeZone: TimeZoneName

    public init(
        registrationId: UUID, status: RegistrationStatus, userId: UUID, userName: String, email: String, remindersEnabled: Bool = true,
        competitionId: UUID, competitionTitle: String, competitionDescription: String = "", organizerName: String = "",
        startDate: Date, updatedAt: Date = Date(timeIntervalSince1970: 0), declineReason: String? = nil, timeZone: TimeZoneName = .utc
    ) {
        self.registrationId = registrationId
        self.status = status
        self.userId = userId
        self.userName = userName
        self.email = email
        self.remindersEnabled = remindersEnabled
        self.competitionId = competitionId
        self.competitionTitle = competitionTitle
        self.competitionDescription = competitionDescription
        self.organizerName = organizerName
        self.startDate = startDate
        self.updatedAt = updatedAt
        self.declineReason = declineReason
        self.timeZone = timeZone
    }
}

/// Where links in messages point.
public struct MessageLinks: Sendable {
    public let apiBase: String
    public let webBase: String
    /// The signed token of a user's unsubscribe link; nil leaves reminders without one.
    let unsubscribeToken: (@Sendable (UUID) -> String)?

    public init(apiBase: String, webBase: String, unsubscribeToken: (@Sendable (UUID) -> String)? = nil) {
        self.apiBase = apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase
        self.webBase = webBase.hasSuffix("/") ? String(webBase.dropLast()) : webBase
        self.unsubscribeToken = unsubscribeToken
    }

    func page(_ c: RegistrationMailContext) -> String {
        SiteURL.competition(c.competitionId).absolute(on: webBase)
    }

    func calendar(_ c: RegistrationMailContext) -> String {
        SiteURL.apiCalendar(c.competitionId).absolute(on: apiBase)
    }

    /// The one-click (RFC 8058) address, on the web UI: a POST (what the mail client sends)
    /// turns reminders off, a GET (a person, a link scanner) shows a page that asks first.
    public func unsubscribeURL(for userId: UUID) -> String? {
        unsubscribeToken.map { SiteURL.unsubscribe(token: $0(userId)).absolute(on: webBase) }
    }
}

public protocol MailContextStore: Sendable {
    func registrationContext(_ registrationId: UUID) async throws -> RegistrationMailContext?
}

/// Builds each message from its template (see ``MailTemplates``). Adding a message kind is a
/// template pair, a ``MailMessage/Kind`` case and a function here.
struct Messages {
    let templates: MailTemplates
    let links: MessageLinks

    func confirmation(_ c: RegistrationMailContext) throws -> MailMessage {
        let event = CalendarEvent(
            id: c.competitionId, title: c.competitionTitle, description: c.competitionDescription,
            organizerName: c.organizerName, startDate: c.startDate, updatedAt: c.updatedAt, pageURL: links.page(c)
        )
        return try message(.confirmation, "confirmation", c, calendar: ICalendar.event(event))
    }

    func promotion(_ c: RegistrationMailContext) throws -> MailMessage {
        try message(.promotion, "promotion", c)
    }

    func cancellation(_ c: RegistrationMailContext) throws -> MailMessage {
        try message(.cancellation, "cancellation", c)
    }

    func reminder(_ c: RegistrationMailContext, lastHour: Bool) throws -> MailMessage {
        try message(.reminder, lastHour ? "reminder-last-hour" : "reminder", c, unsubscribeURL: links.unsubscribeURL(for: c.userId))
    }

    func pending(_ c: RegistrationMailContext) throws -> MailMessage {
        try message(.pending, "pending", c)
    }

    func waitlisted(_ c: RegistrationMailContext) throws -> MailMessage {
        try message(.waitlisted, "waitlisted", c)
    }

    func declined(_ c: RegistrationMailContext) throws -> MailMessage {
        try message(.declined, "declined", c, extra: ["reasonLine": c.declineReason.map { "\n\nThe organizer's reason: \($0)" } ?? ""])
    }

    private func message(
        _ kind: MailMessage.Kind, _ template: String, _ c: RegistrationMailContext, calendar: String? = nil, unsubscribeURL: String? = nil,
        extra: [String: String] = [:]
    ) throws -> MailMessage {
        var values = [
            "name": c.userName,
            "title": c.competitionTitle,
            "when": Self.starts(c),
            "pageURL": links.page(c),
            "calendarURL": links.calendar(c),
            "cancelPath": SiteURL.apiRegistration(c.competitionId).path,
            "registrationId": c.registrationId.uuidString.lowercased(),
        ]
        // Without signed links (tests that build no signer) the text still reads sensibly.
        values["unsubscribeURL"] = unsubscribeURL ?? SiteURL.account.absolute(on: links.webBase)
        values.merge(extra) { _, new in new }
        let rendered = try templates.render(template, values)
        return MailMessage(
            kind: kind, userId: c.userId, to: c.email, subject: rendered.subject, body: rendered.text, toName: c.userName,
            html: rendered.html, calendar: calendar, unsubscribeURL: unsubscribeURL, registrationId: c.registrationId
        )
    }

    /// When the competition starts, on its own clock with the offset and the zone's name
    /// ("Thursday, 3 December 2026, 19:00 UTC+1 (Europe/Berlin)"): unambiguous wherever it is read.
    static func starts(_ c: RegistrationMailContext) -> String {
        LocalTime.long(c.startDate, in: c.timeZone)
    }
}
