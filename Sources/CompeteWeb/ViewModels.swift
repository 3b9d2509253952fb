import CompeteCore
import Foundation

/// What every page's layout needs: who is signed in, the CSRF token, a flash message.
struct Layout: Encodable {
    let title: String
    let csrf: String
    let signedIn: Bool
    let isOrganizer: Bool
    let isParticipant: Bool
    let userName: String
    let hasFlash: Bool
    let flashKind: String
    let flashMessage: String
}

/// A page: the layout plus the page's own data.
struct PageView<Content: Encodable>: Encodable {
    let layout: Layout
    let page: Content
}

/// A competition as cards and detail pages show it.
struct CompetitionView: Encodable {
    let id: String
    let title: String
    let description: String
    let tags: [String]
    let hasTags: Bool
    let start: String
    let deadline: String
    /// When registration opens, on the competition's clock; empty when it has no opening time.
    let opens: String
    let hasOpens: Bool
    let isUpcoming: Bool
    /// The IANA name its times are shown in.
    let timeZone: String
    let capacity: Int
    let registeredCount: Int
    let seatsLeft: Int
    let seatsText: String
    let fillPercent: Int
    let status: String
    let statusLabel: String
    let organizerName: String
    let hasWaitlist: Bool
    let waitlistCapacity: Int
    let waitlistCount: Int
    let waitlistText: String
    let waitlistOpen: Bool
    /// Entered by teams; `teamSizeText` says of how many ("Teams of 2–4").
    let isTeams: Bool
    let teamSizeText: String

    init(_ c: Competition, now: Date) {
        id = c.id.uuidString.lowercased()
        title = c.title
        description = c.description
        tags = c.tags
        hasTags = !c.tags.isEmpty
        start = LocalTime.short(c.startDate, in: c.timeZone)
        deadline = LocalTime.short(c.regDeadline, in: c.timeZone)
        opens = c.opensAt.map { LocalTime.short($0, in: c.timeZone) } ?? ""
        hasOpens = c.opensAt != nil
        timeZone = c.timeZone.identifier
        capacity = c.capacity
        registeredCount = c.registeredCount
        seatsLeft = c.seatsLeft
        seatsText = c.teamSize == nil ? "\(c.seatsLeft) of \(c.capacity) left" : "\(c.seatsLeft) of \(c.capacity) teams left"
        isTeams = c.teamSize != nil
        teamSizeText = c.teamSize.map { "Teams of \($0.label)" } ?? ""
        fillPercent = c.capacity == 0 ? 100 : min(100, c.registeredCount * 100 / c.capacity)
        let status = c.status(at: now)
        self.status = status.rawValue
        isUpcoming = status == .upcoming
        statusLabel = switch status {
        case .upcoming: "Upcoming"
        case .open: "Open"
        case .full: "Full"
        case .closed: "Closed"
        }
        organizerName = c.organizerName
        hasWaitlist = c.waitlistCapacity > 0
        waitlistCapacity = c.waitlistCapacity
        waitlistCount = c.waitlistCount
        waitlistText = "\(c.waitlistCount) of \(c.waitlistCapacity) waitlist places taken"
        waitlistOpen = status == .full && c.waitlistCount < c.waitlistCapacity
    }
}

/// Field errors keyed by field name, for inline messages next to inputs.
func fieldErrors(_ error: DomainError) -> [String: String] {
    guard case .validation(let errors) = error else { return [:] }
    var result: [String: String] = [:]
    for error in errors where result[error.field] == nil {
        result[error.field] = "\(label(error.field)) \(error.message)."
    }
    return result
}

private func label(_ field: String) -> String {
    switch field {
    case "regDeadline": "Registration deadline"
    case "waitlistCapacity": "Waitlist size"
    case "startDate": "Start"
    case "opensAt": "Registration opens"
    case "timezone": "Time zone"
    case "teamSize": "Team size"
    default: field.prefix(1).uppercased() + field.dropFirst()
    }
}
