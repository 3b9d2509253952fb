import Foundation

/// The paths one part of Mini Compete builds for another — redirects and form actions in the
/// web UI, `Location` headers in the API, links in messages and calendar events — written once,
/// so a route and the links to it cannot drift apart. `absolute(on:)` prefixes a public base
/// URL (`PUBLIC_WEB_URL` / `PUBLIC_API_URL`) for links that leave the site.
public enum SiteURL: Sendable, Equatable {
    // The web UI.
    case home
    case login
    case competition(UUID)
    case myRegistrations
    case mailbox
    case organizerDashboard
    case organizerCompetitions
    case organizerCompetition(UUID)
    case registrants(UUID)
    case registrantsCSV(UUID)
    case account
    /// Reminders' one-click unsubscribe (RFC 8058): GET shows a page that asks first, POST turns
    /// them off (tokens are URL-safe base64).
    case unsubscribe(token: String)
    /// Where the organizer's approve / decline buttons post.
    case decisions(UUID)
    case organizerWebhooks
    case organizerWebhook(UUID)
    // The JSON API.
    case apiCompetition(UUID)
    case apiCalendar(UUID)
    case apiRegistration(UUID)

    public var path: String {
        switch self {
        case .home: "/"
        case .login: "/login"
        case .competition(let id): "/competitions/\(Self.segment(id))"
        case .myRegistrations: "/me/registrations"
        case .mailbox: "/me/mailbox"
        case .organizerDashboard: "/organizer"
        case .organizerCompetitions: "/organizer/competitions"
        case .organizerCompetition(let id): "/organizer/competitions/\(Self.segment(id))"
        case .registrants(let id): "/organizer/competitions/\(Self.segment(id))/registrants"
        case .registrantsCSV(let id): "/organizer/competitions/\(Self.segment(id))/registrants.csv"
        case .decisions(let id): "/organizer/competitions/\(Self.segment(id))/decisions"
        case .organizerWebhooks: "/organizer/webhooks"
        case .organizerWebhook(let id): "/organizer/webhooks/\(Self.segment(id))"
        case .apiCompetition(let id): "/api/competitions/\(Self.segment(id))"
        case .apiCalendar(let id): "/api/competitions/\(Self.segment(id))/calendar.ics"
        case .apiRegistration(let id): "/api/competitions/\(Self.segment(id))/register"
        case .account: "/me/account"
        case .unsubscribe(let token): "/unsubscribe?token=\(token)"
        }
    }

    /// The link on a public base URL (a trailing slash on the base is ignored).
    public func absolute(on base: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
    }

    /// Ids appear in lower case, as everywhere on the wire.
    private static func segment(_ id: UUID) -> String {
        id.uuidString.lowercased()
    }
}
