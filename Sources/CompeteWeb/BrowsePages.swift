import CompeteAPI
import CompeteCore
import Vapor

/// The public pages: the competition list with search and filters, and a competition's page.
struct BrowsePages: RouteCollection {
    let services: APIServices
    let renderer: PageRenderer
    let session: WebSession

    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: index)
        routes.get("competitions", ":id", use: show)
        routes.get("competitions", ":id", "calendar.ics", use: calendar)
    }

    struct Option: Encodable { let value: String; let label: String; let selected: Bool }

    struct IndexPage: Encodable {
        let cards: [CompetitionView]
        let empty: Bool
        let search: String
        let tags: String
        let statusOptions: [Option]
        let total: Int
        let pager: Pager
    }

    @Sendable func index(_ req: Request) async throws -> Response {
        let search = req.query[String.self, at: "search"] ?? ""
        let tags = req.query[String.self, at: "tags"] ?? ""
        let status = req.query[String.self, at: "status"].flatMap { CompetitionStatus(rawValue: $0) }
        var query = CompetitionQuery(search: search, status: status, page: req.pageNumber, limit: 12)
        query.tags = tags.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        let result: Page<Competition>
        do {
            result = try await services.competitions.list(query)
        } catch DomainError.validation {
            result = Page(items: [], page: 1, limit: 12, total: 0)
        }
        let now = services.effects.now()
        func url(_ page: Int) -> String {
            var items = ["page": String(page)]
            if !search.isEmpty { items["search"] = search }
            if !tags.isEmpty { items["tags"] = tags }
            if let status { items["status"] = status.rawValue }
            return "/?" + ((try? URLEncodedFormEncoder().encode(items)) ?? "")
        }
        let options = [Option(value: "", label: "Any status", selected: status == nil)]
            + CompetitionStatus.allCases.map { Option(value: $0.rawValue, label: $0.rawValue.capitalized, selected: status == $0) }
        let page = IndexPage(
            cards: result.items.map { CompetitionView($0, now: now) }, empty: result.items.isEmpty,
            search: search, tags: tags, statusOptions: options, total: result.total,
            pager: Pager(result, always: true, url: url)
        )
        return try await renderer.render(req, "index", title: "Competitions", page)
    }

    /// "Add to calendar": the same event the API serves.
    @Sendable func calendar(_ req: Request) async throws -> Response {
        try await services.calendarResponse(competitionId: try req.uuidParameter("id"))
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        try await CompetitionPage(services: services, renderer: renderer, session: session)
            .render(req, id: try req.uuidParameter("id"))
    }
}
