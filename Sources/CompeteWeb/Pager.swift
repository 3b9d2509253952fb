import CompeteCore
import Vapor

/// "← Previous · Page 2 of 5 · Next →" under a paged list (`pager.leaf`).
struct Pager: Encodable {
    let page: Int
    let pages: Int
    let hasPrev: Bool
    let prevURL: String
    let hasNext: Bool
    let nextURL: String
    /// Shown when there is more than one page, or always (the competition list).
    let shown: Bool

    /// `url` builds the link to a page number.
    init<Item>(_ result: Page<Item>, always: Bool = false, url: (Int) -> String) {
        page = result.page
        pages = max(1, (result.total + result.limit - 1) / result.limit)
        hasPrev = result.page > 1
        prevURL = url(result.page - 1)
        hasNext = result.page < pages
        nextURL = url(result.page + 1)
        shown = always || pages > 1
    }

    /// `path?page=N`.
    static func link(_ path: String) -> (Int) -> String {
        { "\(path)?page=\($0)" }
    }
}

extension Request {
    /// The `?page=` of a paged page; anything that is not a page number is the first page.
    var pageNumber: Int {
        max(1, min(1_000_000, query[Int.self, at: "page"] ?? 1))
    }
}
