import CompeteCore
import Foundation

// Wire shapes of API.md. Requests decode with every field optional so that validation can
// report all problems at once; responses are built from domain values.

struct SignupRequest: Decodable {
    var name: String?
    var email: String?
    var password: String?
    var role: String?
}

struct LoginRequest: Decodable {
    var email: String?
    var password: String?
}

struct CompetitionRequest: Decodable {
    var title: String?
    var description: String?
    var tags: [String]?
    var capacity: Int?
    var regDeadline: Date?
    var startDate: Date?
    var waitlistCapacity: Int?
    var questions: JSONValue?
    var rules: String??
    var requiresApproval: Bool?
    var timezone: String?
    /// nil: absent (unchanged); `.some(nil)`: `null`, no opening time.
    var opensAt: Date??

    private enum CodingKeys: String, CodingKey {
        case title, description, tags, capacity, regDeadline, startDate, waitlistCapacity, questions, rules, requiresApproval
        case timezone, opensAt
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        tags = try container.decodeIfPresent([String].self, forKey: .tags)
        capacity = try container.decodeIfPresent(WholeNumber.self, forKey: .capacity)?.value
        regDeadline = try container.decodeIfPresent(Date.self, forKey: .regDeadline)
        startDate = try container.decodeIfPresent(Date.self, forKey: .startDate)
        waitlistCapacity = try container.decodeIfPresent(WholeNumber.self, forKey: .waitlistCapacity)?.value
        questions = try container.decodeIfPresent(JSONValue.self, forKey: .questions)
        // Present and null clears the rules; absent leaves them as they are.
        if container.contains(.rules) { rules = .some(try container.decodeIfPresent(String.self, forKey: .rules)) }
        requiresApproval = try container.decodeIfPresent(Bool.self, forKey: .requiresApproval)
        timezone = try container.decodeIfPresent(String.self, forKey: .timezone)
        if container.contains(.opensAt) {
            opensAt = .some(try container.decodeNil(forKey: .opensAt) ? nil : try container.decode(Date.self, forKey: .opensAt))
        }
    }

    var draft: CompetitionDraft {
        CompetitionDraft(title: title, description: description, tags: tags, capacity: capacity,
                         regDeadline: regDeadline, startDate: startDate, waitlistCapacity: waitlistCapacity,
                         questions: questions, rules: rules, requiresApproval: requiresApproval,
                         timeZone: timezone, opensAt: opensAt)
    }
}

/// An integer field that reports fractions and absurd magnitudes (`1.5`, `1e30`) against its
/// own field name; Foundation's decoder would call the whole document invalid JSON.
struct WholeNumber: Decodable {
    let value: Int

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let number = try container.decode(Double.self)
        guard number.rounded() == number, abs(number) <= 1_000_000_000 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be a whole number within range")
        }
        value = Int(number)
    }
}

struct UserResponse: Encodable {
    let id: String
    let name: String
    let email: String
    let role: String
    let createdAt: Date

    init(_ user: User) {
        id = user.id.wire
        name = user.name
        email = user.email
        role = user.role.rawValue
        createdAt = user.createdAt
    }
}

struct SessionResponse: Encodable {
    let token: String
    let user: UserResponse
}

struct CompetitionResponse: Encodable {
    struct Organizer: Encodable { let id: String; let name: String }

    let id: String
    let title: String
    let description: String
    let tags: [String]
    let capacity: Int
    let registeredCount: Int
    let seatsLeft: Int
    let waitlistCapacity: Int
    let waitlistCount: Int
    let regDeadline: Date
    let startDate: Date
    let status: CompetitionStatus
    let organizer: Organizer
    let createdAt: Date
    let updatedAt: Date
    let questions: [Question]
    let rules: Nullable<String>
    let requiresApproval: Bool
    let timezone: String
    let opensAt: Nullable<Date>

    init(_ c: Competition, now: Date) {
        id = c.id.wire
        title = c.title
        description = c.description
        tags = c.tags
        capacity = c.capacity
        registeredCount = c.registeredCount
        seatsLeft = c.seatsLeft
        waitlistCapacity = c.waitlistCapacity
        waitlistCount = c.waitlistCount
        regDeadline = c.regDeadline
        startDate = c.startDate
        status = c.status(at: now)
        organizer = Organizer(id: c.organizerId.wire, name: c.organizerName)
        createdAt = c.createdAt
        updatedAt = c.updatedAt
        questions = c.form.questions
        rules = Nullable(c.form.rules)
        requiresApproval = c.form.requiresApproval
        timezone = c.timeZone.identifier
        opensAt = Nullable(c.opensAt)
    }
}

/// An optional value written as JSON `null` when absent (a synthesized `Encodable` would leave
/// the key out), for fields the contract always carries.
struct Nullable<Wrapped: Encodable>: Encodable {
    let value: Wrapped?

    init(_ value: Wrapped?) {
        self.value = value
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}

struct PageResponse<Item: Encodable>: Encodable {
    let items: [Item]
    let page: Int
    let limit: Int
    let total: Int
}

struct ItemsResponse<Item: Encodable>: Encodable {
    let items: [Item]
}

struct RegistrationResponse: Encodable {
    let registrationId: String
    let competitionId: String
    let status: RegistrationStatus
    let position: Int?
    let registeredAt: Date

    init(_ receipt: RegistrationReceipt) {
        registrationId = receipt.registrationId.wire
        competitionId = receipt.competitionId.wire
        status = receipt.status
        position = receipt.position
        registeredAt = receipt.registeredAt
    }
}

struct CancellationResponse: Encodable {
    let registrationId: String
    let status: RegistrationStatus
}

struct MyRegistrationResponse: Encodable {
    struct CompetitionSummary: Encodable {
        let id: String
        let title: String
        let regDeadline: Date
        let startDate: Date
    }

    let registrationId: String
    let status: RegistrationStatus
    let position: Int?
    let registeredAt: Date
    let competition: CompetitionSummary
    let answers: [String: AnswerValue]
    /// The organizer's reason, for a declined registration that has one.
    let declineReason: String?

    init(_ r: ParticipantRegistration) {
        registrationId = r.registrationId.wire
        status = r.status
        position = r.position
        registeredAt = r.registeredAt
        answers = r.answers.values
        declineReason = r.declineReason
        competition = CompetitionSummary(id: r.competitionId.wire, title: r.competitionTitle,
                                         regDeadline: r.regDeadline, startDate: r.startDate)
    }
}

struct RegistrantResponse: Encodable {
    struct Person: Encodable { let id: String; let name: String; let email: String }

    let registrationId: String
    let status: RegistrationStatus
    let registeredAt: Date
    let user: Person
    /// An email about this registration could not be delivered.
    let deliveryFailed: Bool
    let answers: [String: AnswerValue]
    let declineReason: String?

    init(_ r: Registrant) {
        deliveryFailed = r.deliveryFailed
        registrationId = r.registrationId.wire
        status = r.status
        registeredAt = r.registeredAt
        user = Person(id: r.userId.wire, name: r.name, email: r.email)
        answers = r.answers.values
        declineReason = r.declineReason
    }
}

extension UUID {
    /// UUIDs go out in lower case (RFC 9562); input accepts either case.
    var wire: String { uuidString.lowercased() }
}
