import CompeteCore
import Foundation

/// A team as its page shows it to a member or the organizer.
struct TeamPageView: Encodable {
    struct Member: Encodable {
        let id: String
        let name: String
        let joined: String
        let isCaptain: Bool
        let isMe: Bool
    }

    let id: String
    let name: String
    let status: String
    let statusLabel: String
    let active: Bool
    let competitionTitle: String
    let competitionURL: String
    let members: [Member]
    let sizeText: String
    let complete: Bool
    let inviteCode: String
    let inviteLink: String
    let isCaptain: Bool
    let isMember: Bool
    let isOrganizer: Bool
    let canLeave: Bool

    init(_ team: Team, competition: Competition, viewer: UUID, links base: String) {
        id = team.id.uuidString.lowercased()
        name = team.name
        status = team.status.rawValue
        statusLabel = switch team.status {
        case .confirmed: "Confirmed"
        case .waitlisted: "Waitlisted (number \(team.position ?? 0))"
        case .cancelled: "Cancelled"
        }
        active = team.status != .cancelled
        competitionTitle = competition.title
        competitionURL = SiteURL.competition(competition.id).path
        members = team.members.map {
            Member(id: $0.userId.uuidString.lowercased(), name: $0.name, joined: LocalTime.short($0.joinedAt, in: competition.timeZone),
                   isCaptain: $0.userId == team.captainId, isMe: $0.userId == viewer)
        }
        sizeText = "\(team.size) of \(team.teamSize.label) members"
        complete = team.complete
        inviteCode = team.inviteCode
        inviteLink = SiteURL.joinTeam(code: team.inviteCode).absolute(on: base)
        isCaptain = team.captainId == viewer && active
        isMember = team.isMember(viewer) && active
        isOrganizer = team.organizerId == viewer
        canLeave = isMember && (!isCaptain || team.size == 1)
    }
}
