import CompeteCore
import Vapor

extension Request {
    /// `?page=&limit=` as whole numbers (the service checks their ranges); each one that is not
    /// a whole number is reported by name.
    func pageRequest(defaultLimit: Int) throws -> PageRequest {
        try queryParameters.pageRequest(defaultLimit: defaultLimit)
    }
}

extension QueryParameters {
    /// `page` and `limit` as whole numbers, each one that is not reported by name.
    func pageRequest(defaultLimit: Int) throws -> PageRequest {
        var errors: [FieldError] = []
        var request = PageRequest(limit: defaultLimit)
        for (name, keyPath) in [("page", \PageRequest.page), ("limit", \PageRequest.limit)] {
            guard let raw = self[name] else { continue }
            if let value = Int(raw) { request[keyPath: keyPath] = value } else {
                errors.append(FieldError(name, "must be a whole number"))
            }
        }
        guard errors.isEmpty else { throw DomainError.validation(errors) }
        return request
    }
}

extension PageResponse {
    /// A page of domain values as the API answers it: `{items, page, limit, total}`.
    init<Value>(page: Page<Value>, _ item: (Value) -> Item) {
        self.init(items: page.items.map(item), page: page.page, limit: page.limit, total: page.total)
    }
}
