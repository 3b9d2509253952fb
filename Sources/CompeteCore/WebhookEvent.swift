import Foundation

/// Every event a webhook subscription can receive (API.md, "Webhooks"). Declared in one place so
/// that a new change (registration forms, teams) only has to emit its event; a subscription may
/// already filter on all of them.
public enum WebhookEventType: String, Sendable, CaseIterable, Codable {
    case registrationConfirmed = "registration.confirmed"
    case registrationWaitlisted = "registration.waitlisted"
    case registrationPending = "registration.pending"
    case registrationPromoted = "registration.promoted"
    case registrationCancelled = "registration.cancelled"
    case registrationDeclined = "registration.declined"
    case competitionFull = "competition.full"
    case teamCreated = "team.created"
    case teamMemberJoined = "team.member_joined"
    case teamMemberLeft = "team.member_left"
    case teamCancelled = "team.cancelled"
}

/// What an event says: the ids involved and the resulting state. Absent fields are left out of
/// the JSON.
public struct WebhookEventData: Sendable, Equatable, Codable {
    public var competitionId: UUID
    public var registrationId: UUID?
    public var userId: UUID?
    public var teamId: UUID?
    /// The resulting status (`confirmed`, `waitlisted`, `cancelled`, `full`, …).
    public var status: String?
    /// Place in the waitlist, for waitlist events.
    public var position: Int?

    public init(
        competitionId: UUID, registrationId: UUID? = nil, userId: UUID? = nil, teamId: UUID? = nil,
        status: String? = nil, position: Int? = nil
    ) {
        self.competitionId = competitionId
        self.registrationId = registrationId
        self.userId = userId
        self.teamId = teamId
        self.status = status
        self.position = position
    }
}

/// One thing that happened, as every subscriber receives it. `id` is the `webhook-id` of every
/// attempt to deliver it.
public struct WebhookEvent: Sendable, Equatable {
    public let id: UUID
    public let type: WebhookEventType
    public let data: WebhookEventData
    public let occurredAt: Date

    public init(id: UUID = UUID(), type: WebhookEventType, data: WebhookEventData, occurredAt: Date) {
        self.id = id
        self.type = type
        self.data = data
        self.occurredAt = occurredAt
    }

    /// A registration's event: its ids and its status (with the waitlist place, if any).
    public static func registration(
        _ type: WebhookEventType, registrationId: UUID, competitionId: UUID, userId: UUID,
        status: RegistrationStatus, position: Int? = nil, at now: Date
    ) -> WebhookEvent {
        WebhookEvent(type: type, data: WebhookEventData(
            competitionId: competitionId, registrationId: registrationId, userId: userId,
            status: status.rawValue, position: position
        ), occurredAt: now)
    }

    /// A team's event: the team, the member it is about (the captain for `team.created`, none
    /// for `team.cancelled`) and the team's status (with its waitlist place, if any).
    public static func team(
        _ type: WebhookEventType, teamId: UUID, competitionId: UUID, userId: UUID? = nil, registrationId: UUID? = nil,
        status: TeamStatus, position: Int? = nil, at now: Date
    ) -> WebhookEvent {
        WebhookEvent(type: type, data: WebhookEventData(
            competitionId: competitionId, registrationId: registrationId, userId: userId, teamId: teamId,
            status: status.rawValue, position: position
        ), occurredAt: now)
    }

    /// The last seat of a competition was just taken.
    public static func competitionFull(_ competitionId: UUID, at now: Date) -> WebhookEvent {
        WebhookEvent(type: .competitionFull, data: WebhookEventData(competitionId: competitionId, status: "full"), occurredAt: now)
    }

    /// The body every attempt sends, fixed when the event is written so that retries send the
    /// same bytes: `{"data": …, "timestamp": …, "type": …}` with sorted keys.
    public func body() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(Body(type: type.rawValue, timestamp: occurredAt, data: WireData(data))), as: UTF8.self)
    }

    private struct Body: Encodable {
        let type: String
        let timestamp: Date
        let data: WireData
    }

    /// Ids in lower case, as everywhere else in the API.
    private struct WireData: Encodable {
        let competitionId: String
        let registrationId: String?
        let userId: String?
        let teamId: String?
        let status: String?
        let position: Int?

        init(_ data: WebhookEventData) {
            competitionId = data.competitionId.uuidString.lowercased()
            registrationId = data.registrationId?.uuidString.lowercased()
            userId = data.userId?.uuidString.lowercased()
            teamId = data.teamId?.uuidString.lowercased()
            status = data.status
            position = data.position
        }
    }
}
