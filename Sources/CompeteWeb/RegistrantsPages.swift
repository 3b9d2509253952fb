import CompeteAPI
import CompeteCore
import Vapor

/// The registrants of an organizer's competition: the table with the answers, the CSV, and the
/// pending list with its decisions.
struct RegistrantsPages: RouteCollection {
    let services: APIServices
    let renderer: PageRenderer
    let session: WebSession

    func boot(routes: any RoutesBuilder) throws {
        let organizer = routes.grouped("organizer").grouped(SignedInPages(session: session))
        organizer.get("competitions", ":id", "registrants", use: registrants)
        organizer.get("competitions", ":id", "registrants.csv", use: registrantsCSV)
        organizer.post("competitions", ":id", "decisions", use: decide)
    }

    struct RegistrantRow: Encodable {
        let registrationId: String
        let name: String
        let email: String
        let registeredAt: String
        let status: String
        /// An email about this registration could not be delivered.
        let deliveryFailed: Bool
        /// One cell per question, in the form's order.
        let answers: [String]

        init(_ r: Registrant, questions: [Question], zone: TimeZoneName) {
            registrationId = r.registrationId.uuidString.lowercased()
            name = r.name
            email = r.email
            registeredAt = LocalTime.short(r.registeredAt, in: zone)
            status = r.status.rawValue
            deliveryFailed = r.deliveryFailed
            answers = questions.map { r.answers[$0.id]?.text ?? "" }
        }
    }

    struct RegistrantsPage: Encodable {
        let competition: CompetitionView
        let questionLabels: [String]
        let items: [RegistrantRow]
        let empty: Bool
        let pending: [RegistrantRow]
        let hasPending: Bool
        let csvURL: String
        let decisionsURL: String
        let pager: Pager
    }

    @Sendable func registrants(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let (competition, registrants) = try await services.competitions.registrants(
            by: principal, competitionId: try id(req),
            page: PageRequest(page: req.pageNumber, limit: CompetitionService.registrantsPageSize)
        )
        let view = CompetitionView(competition, now: services.effects.now())
        let questions = competition.form.questions
        let rows = registrants.items.map { RegistrantRow($0, questions: questions, zone: competition.timeZone) }
        // Those waiting for a decision, oldest first, each with its own buttons (at most 1,000 a page).
        let pending = competition.pendingCount == 0 ? [] : try await services.competitions.registrants(
            by: principal, competitionId: competition.id, status: .pending, page: PageRequest(limit: 1_000)
        ).1.items.map { RegistrantRow($0, questions: questions, zone: competition.timeZone) }
        let page = RegistrantsPage(competition: view, questionLabels: questions.map(\.label), items: rows, empty: rows.isEmpty,
                                   pending: pending, hasPending: !pending.isEmpty,
                                   csvURL: SiteURL.registrantsCSV(competition.id).path,
                                   decisionsURL: SiteURL.decisions(competition.id).path,
                                   pager: Pager(registrants, url: Pager.link(SiteURL.registrants(competition.id).path)))
        return try await renderer.render(req, "registrants", title: "Registrants · \(competition.title)", page)
    }

    /// Approves or declines pending registrations: one (`one` = `approve:<id>` or
    /// `decline:<id>`, the buttons of its row) or the selected ones (`ids`, with `bulk`).
    /// Each decision stands on its own: the page reports how many went through and why the
    /// others did not (e.g. no seat left for an approval).
    @Sendable func decide(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let competitionId = try id(req)
        let back = SiteURL.registrants(competitionId).path
        let fields = FormFields(req)
        var action = fields["bulk"] ?? ""
        var ids = fields.all("ids[]")
        if let one = fields["one"], let colon = one.firstIndex(of: ":") {
            action = String(one[..<colon])
            ids = [String(one[one.index(after: colon)...])]
        }
        let reason = fields["reason"]
        var done = 0
        var problems: [String] = []
        for raw in ids.prefix(1_000) {
            guard let registrationId = UUID(uuidString: raw) else { continue }
            do {
                switch action {
                case "approve": _ = try await services.registrations.approve(principal, competitionId: competitionId, registrationId: registrationId)
                case "decline":
                    _ = try await services.registrations.decline(principal, competitionId: competitionId, registrationId: registrationId, reason: reason)
                default: continue
                }
                done += 1
            } catch let error as DomainError {
                if problems.count < 3 { problems.append(Problem(error).detail) }
            }
        }
        let verb = action == "approve" ? "approved" : "declined"
        guard problems.isEmpty else {
            return Flash(kind: .error, message: "\(done) \(verb); the others were not: " + problems.joined(separator: " ")).redirect(to: back)
        }
        return Flash(kind: .success, message: done == 1 ? "1 registration \(verb)." : "\(done) registrations \(verb).").redirect(to: back)
    }

    @Sendable func registrantsCSV(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let (competition, pages) = try await services.competitions.allRegistrants(by: principal, competitionId: try id(req))
        return RegistrantsCSV.response(competition: competition, pages: pages)
    }

    private func id(_ req: Request) throws -> UUID {
        try req.uuidParameter("id")
    }
}
