/// Which page of a list to return. Every list that can grow without bound is read a page at a
/// time, so no request holds all of it in memory.
public struct PageRequest: Sendable, Equatable {
    public var page: Int
    public var limit: Int

    public init(page: Int = 1, limit: Int) {
        self.page = page
        self.limit = limit
    }

    public var offset: Int { (page - 1) * limit }

    /// Refuses a page below 1 (or absurdly far) and a limit outside `1...maxLimit`, by field.
    public func validated(maxLimit: Int) throws -> PageRequest {
        var errors: [FieldError] = []
        if page < 1 || page > 1_000_000 { errors.append(FieldError("page", "must be between 1 and 1000000")) }
        if limit < 1 || limit > maxLimit { errors.append(FieldError("limit", "must be between 1 and \(maxLimit)")) }
        guard errors.isEmpty else { throw DomainError.validation(errors) }
        return self
    }
}
