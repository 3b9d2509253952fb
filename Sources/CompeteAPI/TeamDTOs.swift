import CompeteCore
import Foundation

/// `{name, answers?, acceptRules?}`: the captain answers the registration form like anyone
/// registering (the form's part decodes as `RegisterRequest` does).
struct CreateTeamRequest: Decodable {
    var name: String?
    var form: RegisterRequest

    private enum CodingKeys: String, CodingKey { case name }

    init(from decoder: any Decoder) throws {
        name = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .name)
        form = try RegisterRequest(from: decoder)
    }
}

/// `{inviteCode, answers?, acceptRules?}`: each member answers the form when joining.
struct JoinTeamRequest: Decodable {
    var inviteCode: String?
    var form: RegisterRequest

    private enum CodingKeys: String, CodingKey { case inviteCode }

    init(from decoder: any Decoder) throws {
        inviteCode = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .inviteCode)
        form = try RegisterRequest(from: decoder)
    }
}

struct CaptainRequest: Decodable {
    var userId: String?
}

/// `team` of API.md. Only members and the competition's organizer ever get one, so the
/// invite code is always included.
struct TeamResponse: Encodable {
    struct Person: Encodable { let id: String; let name: String }
    struct Member: Encodable { let id: String; let name: String; let joinedAt: Date }

    let id: String
    let competitionId: String
    let name: String
    let status: TeamStatus
    let position: Int?
    let captain: Person
    let members: [Member]
    let size: Int
    let complete: Bool
    let inviteCode: String
    let createdAt: Date

    init(_ team: Team) {
        id = team.id.wire
        competitionId = team.competitionId.wire
        name = team.name
        status = team.status
        position = team.position
        captain = Person(id: team.captainId.wire, name: team.captainName)
        members = team.members.map { Member(id: $0.userId.wire, name: $0.name, joinedAt: $0.joinedAt) }
        size = team.size
        complete = team.complete
        inviteCode = team.inviteCode
        createdAt = team.createdAt
    }
}
