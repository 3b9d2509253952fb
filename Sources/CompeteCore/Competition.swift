import Foundation

public enum CompetitionStatus: String, Sendable, Codable, CaseIterable {
    /// Registration has not opened yet (`opensAt` is ahead).
    case upcoming
    case open, full, closed
}

public struct Competition: Sendable, Equatable, Codable {
    public var id: UUID
    public var title: String
    public var description: String
    public var tags: [String]
    public var capacity: Int
    public var registeredCount: Int
    public var waitlistCapacity: Int
    public var waitlistCount: Int
    public var regDeadline: Date
    public var startDate: Date
    public var organizerId: UUID
    public var organizerName: String
    public var createdAt: Date
    public var updatedAt: Date
    /// Questions, rules and approval: what registering asks beyond "who".
    public var form: RegistrationForm
    /// Registrations waiting for the organizer's approval (they hold no seat).
    public var pendingCount: Int
    /// Where it happens: pages and messages show its times on this zone's clock.
    public var timeZone: TimeZoneName
    /// When registration opens; nil: open from publication.
    public var opensAt: Date?

    public init(
        id: UUID, title: String, description: String, tags: [String], capacity: Int,
        registeredCount: Int, waitlistCapacity: Int, waitlistCount: Int, regDeadline: Date,
        startDate: Date, organizerId: UUID, organizerName: String, createdAt: Date, updatedAt: Date,
        form: RegistrationForm = RegistrationForm(), pendingCount: Int = 0,
        timeZone: TimeZoneName = .utc, opensAt: Date? = nil
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.tags = tags
        self.capacity = capacity
        self.registeredCount = registeredCount
        self.waitlistCapacity = waitlistCapacity
        self.waitlistCount = waitlistCount
        self.regDeadline = regDeadline
        self.startDate = startDate
        self.organizerId = organizerId
        self.organizerName = organizerName
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.form = form
        self.pendingCount = pendingCount
        self.timeZone = timeZone
        self.opensAt = opensAt
    }

    public var seatsLeft: Int { max(0, capacity - registeredCount) }

    /// `closed` once the deadline has passed, else `upcoming` before `opensAt`, else `full`
    /// without seats, else `open`. Registration is open from the instant `opensAt` itself.
    public func status(at now: Date) -> CompetitionStatus {
        if regDeadline <= now { return .closed }
        if let opensAt, now < opensAt { return .upcoming }
        return seatsLeft == 0 ? .full : .open
    }
}

extension Competition {
    /// Decodes a competition stored under an idempotency key; one stored before it had a time
    /// zone and an opening time is a UTC competition without one, as it was then.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(UUID.self, forKey: .id), title: try c.decode(String.self, forKey: .title),
            description: try c.decode(String.self, forKey: .description), tags: try c.decode([String].self, forKey: .tags),
            capacity: try c.decode(Int.self, forKey: .capacity), registeredCount: try c.decode(Int.self, forKey: .registeredCount),
            waitlistCapacity: try c.decode(Int.self, forKey: .waitlistCapacity), waitlistCount: try c.decode(Int.self, forKey: .waitlistCount),
            regDeadline: try c.decode(Date.self, forKey: .regDeadline), startDate: try c.decode(Date.self, forKey: .startDate),
            organizerId: try c.decode(UUID.self, forKey: .organizerId), organizerName: try c.decode(String.self, forKey: .organizerName),
            createdAt: try c.decode(Date.self, forKey: .createdAt), updatedAt: try c.decode(Date.self, forKey: .updatedAt),
            timeZone: try c.decodeIfPresent(TimeZoneName.self, forKey: .timeZone) ?? .utc,
            opensAt: try c.decodeIfPresent(Date.self, forKey: .opensAt)
        )
    }
}

/// A page of results with the total number of matches.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let page: Int
    public let limit: Int
    public let total: Int

    public init(items: [Item], page: Int, limit: Int, total: Int) {
        self.items = items
        self.page = page
        self.limit = limit
        self.total = total
    }
}

/// Filters for browsing competitions. Tags narrow: a competition must carry every listed tag.
public struct CompetitionQuery: Sendable, Equatable {
    public var search: String?
    public var tags: [String]
    public var status: CompetitionStatus?
    public var organizerId: UUID?
    public var page: Int
    public var limit: Int

    public static let maxLimit = 100

    public init(
        search: String? = nil, tags: [String] = [], status: CompetitionStatus? = nil,
        organizerId: UUID? = nil, page: Int = 1, limit: Int = 20
    ) {
        self.search = search
        self.tags = tags
        self.status = status
        self.organizerId = organizerId
        self.page = page
        self.limit = limit
    }

    public var offset: Int { (page - 1) * limit }

    public func validated() throws -> CompetitionQuery {
        var errors: [FieldError] = []
        if page < 1 || page > 1_000_000 { errors.append(FieldError("page", "must be between 1 and 1000000")) }
        if limit < 1 || limit > Self.maxLimit { errors.append(FieldError("limit", "must be between 1 and \(Self.maxLimit)")) }
        if let search, search.count > 200 { errors.append(FieldError("search", "must be at most 200 characters")) }
        var copy = self
        // De-duplicated, at most `Tags.maxCount`: more distinct tags than a competition can carry
        // match nothing, and each one costs the query a condition.
        switch Tags.normalizeList(tags) {
        case .success(let tags): copy.tags = tags
        case .failure(let failure): errors.append(FieldError("tags", failure.message))
        }
        if !errors.isEmpty { throw DomainError.validation(errors) }
        copy.search = search.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        return copy
    }
}
