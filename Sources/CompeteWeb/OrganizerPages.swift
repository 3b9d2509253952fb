import CompeteAPI
import CompeteCore
import Vapor

/// The organizer's dashboard, the competition form, and the registrants of their competitions.
struct OrganizerPages: RouteCollection {
    let services: APIServices
    let renderer: PageRenderer
    let session: WebSession

    func boot(routes: any RoutesBuilder) throws {
        let organizer = routes.grouped("organizer")
        organizer.get(use: dashboard)
        organizer.get("competitions", "new", use: newForm)
        organizer.post("competitions", use: create)
        organizer.get("competitions", ":id", "edit", use: editForm)
        organizer.post("competitions", ":id", use: update)
        organizer.get("competitions", ":id", "registrants", use: registrants)
        organizer.get("competitions", ":id", "registrants.csv", use: registrantsCSV)
    }

    private func organizer(_ req: Request) async throws -> Principal {
        let principal = try await session.requirePrincipal(req)
        guard principal.role == .organizer else { throw DomainError.forbidden("organizers only") }
        return principal
    }

    struct DashboardPage: Encodable {
        let cards: [CompetitionView]
        let empty: Bool
    }

    @Sendable func dashboard(_ req: Request) async throws -> Response {
        let principal = try await organizer(req)
        let mine = try await services.competitions.mine(principal, CompetitionQuery(limit: CompetitionQuery.maxLimit))
        let now = services.effects.now()
        let cards = mine.items.map { CompetitionView($0, now: now) }
        return try await renderer.render(req, "dashboard", title: "My competitions", DashboardPage(cards: cards, empty: cards.isEmpty))
    }

    /// What the form shows: the values as typed, so a rejected form loses nothing.
    struct FormValues: Content {
        var title: String?
        var description: String?
        var tags: String?
        var capacity: String?
        var regDeadline: String?
        var startDate: String?
        var waitlistCapacity: String?
        var idempotencyKey: String?
    }

    struct FormPage: Encodable {
        let isEdit: Bool
        let action: String
        let values: FormValues
        let errors: [String: String]
        let minCapacity: Int
        let cancelURL: String
    }

    @Sendable func newForm(_ req: Request) async throws -> Response {
        _ = try await organizer(req)
        let week = services.effects.now().addingTimeInterval(7 * 86400)
        let values = FormValues(
            title: "", description: "", tags: "", capacity: "50", regDeadline: Formatting.inputValue(week),
            startDate: Formatting.inputValue(week.addingTimeInterval(86400)), waitlistCapacity: "0",
            idempotencyKey: UUID().uuidString.lowercased()
        )
        return try await renderForm(req, isEdit: false, action: "/organizer/competitions", values: values, errors: [:], minCapacity: 1)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let principal = try await organizer(req)
        let values = (try? req.content.decode(FormValues.self)) ?? FormValues()
        let (draft, formErrors) = Self.draft(from: values, keeping: nil)
        var errors = formErrors
        if errors.isEmpty {
            do {
                let response = try await services.createCompetitionResponse(
                    req, principal: principal, draft: draft, idempotencyKey: values.idempotencyKey
                )
                if let location = response.headers.first(name: .location), let id = location.split(separator: "/").last {
                    return Flash(kind: .success, message: "Published! Participants can register now.").redirect(to: "/competitions/\(id)")
                }
                return Flash(kind: .info, message: "This competition was already created.").redirect(to: "/organizer")
            } catch let error as DomainError {
                guard case .validation = error else {
                    // e.g. the same form submitted twice at once: the first one is still running.
                    return Flash(kind: .info, message: Problem(error).detail).redirect(to: "/organizer")
                }
                errors = fieldErrors(error)
            }
        }
        return try await renderForm(req, isEdit: false, action: "/organizer/competitions", values: values, errors: errors, minCapacity: 1, status: .badRequest)
    }

    @Sendable func editForm(_ req: Request) async throws -> Response {
        let principal = try await organizer(req)
        let competition = try await owned(req, principal)
        let values = FormValues(
            title: competition.title, description: competition.description, tags: competition.tags.joined(separator: ", "),
            capacity: String(competition.capacity), regDeadline: Formatting.inputValue(competition.regDeadline),
            startDate: Formatting.inputValue(competition.startDate), waitlistCapacity: String(competition.waitlistCapacity),
            idempotencyKey: nil
        )
        return try await renderForm(req, isEdit: true, action: "/organizer/competitions/\(competition.id.uuidString.lowercased())",
                                    values: values, errors: [:], minCapacity: max(1, competition.registeredCount))
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let principal = try await organizer(req)
        let competition = try await owned(req, principal)
        let values = (try? req.content.decode(FormValues.self)) ?? FormValues()
        let (draft, formErrors) = Self.draft(from: values, keeping: competition)
        var errors = formErrors
        if errors.isEmpty {
            do {
                _ = try await services.competitions.update(by: principal, id: competition.id, draft)
                return Flash(kind: .success, message: "Changes saved.").redirect(to: "/competitions/\(competition.id.uuidString.lowercased())")
            } catch DomainError.capacityBelowRegistered(let registered) {
                errors["capacity"] = "Capacity cannot be lower than the \(registered) seats already taken."
            } catch let error as DomainError {
                errors = fieldErrors(error)
            }
        }
        return try await renderForm(req, isEdit: true, action: "/organizer/competitions/\(competition.id.uuidString.lowercased())",
                                    values: values, errors: errors, minCapacity: max(1, competition.registeredCount), status: .badRequest)
    }

    struct RegistrantRow: Encodable {
        let name: String
        let email: String
        let registeredAt: String
        let status: String
    }

    struct RegistrantsPage: Encodable {
        let competition: CompetitionView
        let items: [RegistrantRow]
        let empty: Bool
        let csvURL: String
    }

    @Sendable func registrants(_ req: Request) async throws -> Response {
        let principal = try await organizer(req)
        let (competition, registrants) = try await services.competitions.registrants(by: principal, competitionId: try id(req))
        let view = CompetitionView(competition, now: services.effects.now())
        let rows = registrants.map {
            RegistrantRow(name: $0.name, email: $0.email, registeredAt: Formatting.date($0.registeredAt), status: $0.status.rawValue)
        }
        let page = RegistrantsPage(competition: view, items: rows, empty: rows.isEmpty,
                                   csvURL: "/organizer/competitions/\(view.id)/registrants.csv")
        return try await renderer.render(req, "registrants", title: "Registrants · \(competition.title)", page)
    }

    @Sendable func registrantsCSV(_ req: Request) async throws -> Response {
        let principal = try await organizer(req)
        let (competition, registrants) = try await services.competitions.registrants(by: principal, competitionId: try id(req))
        return RegistrantsCSV.response(competition: competition, registrants: registrants)
    }

    private func id(_ req: Request) throws -> UUID {
        try req.uuidParameter("id")
    }

    private func owned(_ req: Request, _ principal: Principal) async throws -> Competition {
        let competition = try await services.competitions.get(try id(req))
        guard competition.organizerId == principal.userId else { throw DomainError.forbidden("not your competition") }
        return competition
    }

    private func renderForm(
        _ req: Request, isEdit: Bool, action: String, values: FormValues, errors: [String: String], minCapacity: Int,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let page = FormPage(isEdit: isEdit, action: action, values: values, errors: errors, minCapacity: minCapacity,
                            cancelURL: isEdit ? action.replacingOccurrences(of: "/organizer", with: "") : "/organizer")
        return try await renderer.render(req, "competition-form", title: isEdit ? "Edit competition" : "New competition", page, status: status)
    }

    /// Turns the form's text into a draft. When editing, only fields that changed are sent, so a
    /// closed competition's deadline is not re-validated when fixing its title.
    static func draft(from values: FormValues, keeping current: Competition?) -> (CompetitionDraft, [String: String]) {
        var errors: [String: String] = [:]
        var draft = CompetitionDraft()
        func changed(_ text: String?, _ existing: String?) -> Bool { current == nil || text != existing }

        if changed(values.title, current?.title) { draft.title = values.title ?? "" }
        if changed(values.description, current?.description) { draft.description = values.description ?? "" }
        let tags = (values.tags ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        if current == nil || tags != current?.tags { draft.tags = tags }
        if changed(values.capacity, current.map { String($0.capacity) }) {
            if let capacity = Int((values.capacity ?? "").trimmingCharacters(in: .whitespaces)) { draft.capacity = capacity } else {
                errors["capacity"] = "Capacity must be a whole number."
            }
        }
        if changed(values.waitlistCapacity, current.map { String($0.waitlistCapacity) }) {
            let text = (values.waitlistCapacity ?? "").trimmingCharacters(in: .whitespaces)
            if text.isEmpty { draft.waitlistCapacity = 0 } else if let size = Int(text) { draft.waitlistCapacity = size } else {
                errors["waitlistCapacity"] = "Waitlist size must be a whole number."
            }
        }
        if changed(values.regDeadline, current.map { Formatting.inputValue($0.regDeadline) }) {
            if let date = Formatting.parseInput(values.regDeadline ?? "") { draft.regDeadline = date } else {
                errors["regDeadline"] = "Registration deadline must be a date and time."
            }
        }
        if changed(values.startDate, current.map { Formatting.inputValue($0.startDate) }), !(values.startDate ?? "").isEmpty {
            if let date = Formatting.parseInput(values.startDate ?? "") { draft.startDate = date } else {
                errors["startDate"] = "Start must be a date and time."
            }
        }
        return (draft, errors)
    }
}
