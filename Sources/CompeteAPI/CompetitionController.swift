import CompeteCore
import Vapor

struct CompetitionController: RouteCollection {
    let services: APIServices

    func boot(routes: any RoutesBuilder) throws {
        let competitions = routes.grouped("competitions")
        competitions.get(use: list)
        competitions.get(":id", use: show)
        competitions.get(":id", "calendar.ics", use: calendar)
        let signedIn = competitions.signedIn(services.tokens)
        signedIn.post(use: create)
        signedIn.get("mine", use: mine)
        signedIn.patch(":id", use: update)
        signedIn.get(":id", "registrations", use: registrants)
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        let query = try CompetitionQueryParser.parse(req).validated()
        return .stored(try await services.reads.answer(key: CompetitionQueryParser.cacheKey(query)) {
            .json(pageResponse(try await services.competitions.list(query)))
        })
    }

    @Sendable func mine(_ req: Request) async throws -> Response {
        let page = try await services.competitions.mine(try req.principal, try CompetitionQueryParser.parse(req))
        return .json(pageResponse(page))
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        let id = try req.uuidParameter("id")
        return .stored(try await services.reads.answer(key: SiteURL.apiCompetition(id).path) {
            .json(CompetitionResponse(try await services.competitions.get(id), now: services.effects.now()))
        })
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let draft = try APIJSON.decodeBody(CompetitionRequest.self, from: req).draft
        return .created(try await services.competitions.create(by: try req.principal, draft, idempotency: try req.idempotencyCall()))
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let id = try req.uuidParameter("id")
        let draft = try APIJSON.decodeBody(CompetitionRequest.self, from: req).draft
        let competition = try await services.competitions.update(by: try req.principal, id: id, draft)
        return .json(CompetitionResponse(competition, now: services.effects.now()))
    }

    /// A page of JSON, or — asked for by name or preferred by the Accept header — every
    /// registrant as a CSV download, streamed a page at a time.
    @Sendable func registrants(_ req: Request) async throws -> Response {
        let id = try req.uuidParameter("id")
        // JSON unless CSV is asked for by name or preferred over JSON by the Accept header.
        let csv = HTTPMediaType(type: "text", subType: "csv")
        let wantsCSV = req.query[String.self, at: "format"] == "csv"
            || ContentNegotiation.preferred([.json, csv], accept: req.headers) == csv
        if wantsCSV {
            let (competition, pages) = try await services.competitions.allRegistrants(by: try req.principal, competitionId: id)
            return RegistrantsCSV.response(competition: competition, pages: pages)
        }
        let page = try req.pageRequest(defaultLimit: CompetitionService.registrantsPageSize)
        var status: RegistrationStatus?
        if let raw = req.queryParameters["status"], !raw.isEmpty {
            guard let parsed = RegistrationStatus(rawValue: raw.lowercased()), parsed != .cancelled else {
                throw DomainError.invalid("status", "must be confirmed, waitlisted, pending or declined")
            }
            status = parsed
        }
        let (_, registrants) = try await services.competitions.registrants(
            by: try req.principal, competitionId: id, status: status, page: page
        )
        return .json(PageResponse(page: registrants, RegistrantResponse.init))
    }

    @Sendable func calendar(_ req: Request) async throws -> Response {
        try await services.calendarResponse(competitionId: try req.uuidParameter("id"))
    }

    private func pageResponse(_ page: Page<Competition>) -> PageResponse<CompetitionResponse> {
        let now = services.effects.now()
        return PageResponse(page: page) { CompetitionResponse($0, now: now) }
    }

}

extension APIServices {
    /// The competition's RFC 5545 event, as served by the API and by the web UI's "Add to calendar".
    public func calendarResponse(competitionId: UUID) async throws -> Response {
        let competition = try await competitions.get(competitionId)
        let page = SiteURL.competition(competition.id).absolute(on: publicWebURL)
        return Response(status: .ok, headers: [
            "Content-Type": ICalendar.contentType,
            "Content-Disposition": "inline; filename=\"competition-\(competition.id.wire).ics\"",
        ], body: .init(string: ICalendar.event(for: competition, pageURL: page)))
    }
}

/// Parses `?search=&tags=a,b&status=open&page=1&limit=20`, reporting bad values by field.
enum CompetitionQueryParser {
    static func parse(_ req: Request) throws -> CompetitionQuery {
        var errors: [FieldError] = []
        var query = CompetitionQuery()
        let parameters = req.queryParameters
        query.search = parameters["search"]
        if let tags = parameters["tags"] {
            query.tags = tags.split(separator: ",").map(String.init)
        }
        if let raw = parameters["status"], !raw.isEmpty {
            if let status = CompetitionStatus(rawValue: raw.lowercased()) { query.status = status } else {
                errors.append(FieldError("status", "must be upcoming, open, full or closed"))
            }
        }
        do {
            let page = try parameters.pageRequest(defaultLimit: query.limit)
            (query.page, query.limit) = (page.page, page.limit)
        } catch let DomainError.validation(pageErrors) {
            errors += pageErrors
        }
        guard errors.isEmpty else { throw DomainError.validation(errors) }
        return query
    }

    /// The read cache's key for a validated query: only what the API understood, in one order.
    static func cacheKey(_ query: CompetitionQuery) -> String {
        var parts = ["page=\(query.page)", "limit=\(query.limit)", "tags=\(query.tags.joined(separator: ","))"]
        if let status = query.status { parts.append("status=\(status.rawValue)") }
        // Last, so that whatever the free text holds cannot be mistaken for another part.
        if let search = query.search { parts.append("search=\(search)") }
        return "/api/competitions?" + parts.joined(separator: "&")
    }
}
