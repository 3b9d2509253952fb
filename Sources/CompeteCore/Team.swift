import Foundation

public enum TeamStatus: String, Sendable, Codable {
    case confirmed, waitlisted, cancelled
}

/// One member of a team, in the order they joined.
public struct TeamMember: Sendable, Equatable, Codable {
    public let userId: UUID
    public let name: String
    public let joinedAt: Date

    public init(userId: UUID, name: String, joinedAt: Date) {
        self.userId = userId
        self.name = name
        self.joinedAt = joinedAt
    }
}

/// A team of a team competition, with what deciding who may see or change it needs
/// (`organizerId`, `regDeadline`, `teamSize`: the competition's).
public struct Team: Sendable, Equatable, Codable {
    public let id: UUID
    public let competitionId: UUID
    public let name: String
    public let status: TeamStatus
    /// 1-based place on the waitlist while `waitlisted`.
    public let position: Int?
    public let captainId: UUID
    public let captainName: String
    /// Active members; for a cancelled team, those it had when it was cancelled.
    public let members: [TeamMember]
    public let inviteCode: String
    public let createdAt: Date
    public let organizerId: UUID
    public let regDeadline: Date
    public let teamSize: TeamSize

    public init(
        id: UUID, competitionId: UUID, name: String, status: TeamStatus, position: Int?, captainId: UUID,
        captainName: String, members: [TeamMember], inviteCode: String, createdAt: Date, organizerId: UUID,
        regDeadline: Date, teamSize: TeamSize
    ) {
        self.id = id
        self.competitionId = competitionId
        self.name = name
        self.status = status
        self.position = position
        self.captainId = captainId
        self.captainName = captainName
        self.members = members
        self.inviteCode = inviteCode
        self.createdAt = createdAt
        self.organizerId = organizerId
        self.regDeadline = regDeadline
        self.teamSize = teamSize
    }

    public var size: Int { members.count }
    /// Big enough to take part at the deadline.
    public var complete: Bool { size >= teamSize.min }

    public func isMember(_ userId: UUID) -> Bool { members.contains { $0.userId == userId } }
}

/// Why a team could not be created or joined.
public enum TeamRejection: Error, Sendable, Equatable, Codable {
    case registration(RegistrationRejection)
    case nameTaken
    case teamFull
    case notTeamCompetition

    public var error: DomainError {
        switch self {
        case .registration(let reason): reason.error
        case .nameTaken: .teamNameTaken
        case .teamFull: .teamFull
        case .notTeamCompetition: .notTeamCompetition
        }
    }
}

/// What creating or joining a team came to; stored under the idempotency key like a
/// registration's outcome, refusals included.
public enum TeamOutcome: Sendable, Equatable, Codable {
    /// Created with a seat, or joined (whatever the team's status).
    case team(Team)
    /// Created on the waitlist.
    case waitlisted(Team)
    case refused(TeamRejection)
}

/// A change to an existing team, decided by `TeamService` under the team's lock.
public enum TeamChange: Sendable, Equatable {
    /// The member leaves (or is removed); the team is cancelled when nobody is left.
    case removeMember(UUID)
    case captain(UUID)
    case inviteCode(String)
    case cancel
}
