import Foundation

public enum CompetitionStatus: String, Sendable, Codable, CaseIterable {
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

    public init(
        id: UUID, title: String, description: String, tags: [String], capacity: Int,
        registeredCount: Int, waitlistCapacity: Int, waitlistCount: Int, regDeadline: Date,
        startDate: Date, organizerId: UUID, organizerName: String, createdAt: Date, updatedAt: Date,
        form: RegistrationForm = RegistrationForm(), pendingCount: Int = 0
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
    }

    public var seatsLeft: Int { max(0, capacity - registeredCount) }

    /// `closed` once the deadline has passed, else `full` without seats, else `open`.
    public func status(at now: Date) -> CompetitionStatus {
        if regDeadline <= now { return .closed }
        return seatsLeft == 0 ? .full : .open
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
