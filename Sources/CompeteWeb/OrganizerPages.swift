import CompeteAPI
import CompeteCore
import Vapor

/// The organizer's dashboard and the competition form (with its question builder); the
/// registrants are `RegistrantsPages`.
struct OrganizerPages: RouteCollection {
    let services: APIServices
    let renderer: PageRenderer
    let session: WebSession

    func boot(routes: any RoutesBuilder) throws {
        let organizer = routes.grouped("organizer").grouped(SignedInPages(session: session))
        organizer.get(use: dashboard)
        organizer.get("competitions", "new", use: newForm)
        organizer.post("competitions", use: create)
        organizer.get("competitions", ":id", "edit", use: editForm)
        organizer.post("competitions", ":id", use: update)
    }

    struct DashboardPage: Encodable {
        let cards: [CompetitionView]
        let empty: Bool
    }

    @Sendable func dashboard(_ req: Request) async throws -> Response {
        let principal = try req.principal
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
        /// The zone the times below are typed in.
        var timezone: String?
        var opensAt: String?
        var idempotencyKey: String?
        var rules: String?
        var requiresApproval: String?
    }

    struct FormPage: Encodable {
        let isEdit: Bool
        let action: String
        let values: FormValues
        let errors: [String: String]
        let minCapacity: Int
        let cancelURL: String
        /// Suggestions for the time-zone field (any name the server accepts may be typed).
        let timeZones: [String]
        let rows: [QuestionRowView]
        let rowCount: Int
        let requiresApproval: Bool
        let questionErrors: [String]
        let hasQuestionErrors: Bool
    }

    /// UTC and the database's location names, for the time-zone field's suggestions.
    static let timeZoneSuggestions = ["UTC"] + TimeZone.knownTimeZoneIdentifiers.filter { TimeZoneName($0) != nil }.sorted()

    @Sendable func newForm(_ req: Request) async throws -> Response {
        let draft = try services.competitions.template(by: try req.principal)
        let values = FormValues(
            title: draft.title, description: draft.description, tags: draft.tags?.joined(separator: ", "),
            capacity: draft.capacity.map(String.init), regDeadline: draft.regDeadline.map { LocalTime.inputValue($0, in: .utc) },
            startDate: draft.startDate.map { LocalTime.inputValue($0, in: .utc) }, waitlistCapacity: draft.waitlistCapacity.map(String.init),
            timezone: TimeZoneName.utc.identifier, opensAt: "", idempotencyKey: UUID().uuidString.lowercased()
        )
        return try await renderForm(req, editing: nil, values: values, builder: QuestionBuilder(rows: []), errors: [:], minCapacity: 1)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let values = (try? req.content.decode(FormValues.self)) ?? FormValues()
        var builder = QuestionBuilder(FormFields(req))
        if builder.rearrange(FormFields(req)["move"]) {
            return try await renderForm(req, editing: nil, values: values, builder: builder, errors: [:], minCapacity: 1)
        }
        let (draft, formErrors) = Self.draft(from: values, builder: builder, keeping: nil)
        var errors = formErrors
        var questionProblems: [FieldError] = []
        if errors.isEmpty {
            do {
                let answer = try await services.competitions.create(
                    by: principal, draft, idempotency: try req.idempotencyCall(key: values.idempotencyKey)
                )
                let page = SiteURL.competition(answer.outcome.value.id).path
                if answer.replayed {
                    return Flash(kind: .info, message: "This competition was already published.").redirect(to: page)
                }
                return Self.published(answer.outcome.value, now: services.effects.now()).redirect(to: page)
            } catch let error as DomainError {
                guard case .validation = error else {
                    // e.g. the same form submitted twice at once: the first one is still running.
                    return Flash(kind: .info, message: Problem(error).detail).redirect(to: SiteURL.organizerDashboard.path)
                }
                errors = fieldErrors(error)
                if case .validation(let problems) = error { questionProblems = problems }
            }
        }
        return try await renderForm(req, editing: nil, values: values, builder: builder, errors: errors, questionProblems: questionProblems,
                                    minCapacity: 1, status: .badRequest)
    }

    /// What the organizer is told on publishing: registration is open now, or when it opens.
    static func published(_ competition: Competition, now: Date) -> Flash {
        guard competition.status(at: now) == .upcoming, let opensAt = competition.opensAt else {
            return Flash(kind: .success, message: "Published! Participants can register now.")
        }
        return Flash(kind: .success, message: "Published! Registration opens \(LocalTime.short(opensAt, in: competition.timeZone)).")
    }

    @Sendable func editForm(_ req: Request) async throws -> Response {
        let competition = try await services.competitions.editable(by: try req.principal, id: try id(req))
        let zone = competition.timeZone
        let values = FormValues(
            title: competition.title, description: competition.description, tags: competition.tags.joined(separator: ", "),
            capacity: String(competition.capacity), regDeadline: LocalTime.inputValue(competition.regDeadline, in: zone),
            startDate: LocalTime.inputValue(competition.startDate, in: zone), waitlistCapacity: String(competition.waitlistCapacity),
            timezone: zone.identifier, opensAt: competition.opensAt.map { LocalTime.inputValue($0, in: zone) } ?? "",
            idempotencyKey: nil, rules: competition.form.rules, requiresApproval: competition.form.requiresApproval ? "on" : nil
        )
        return try await renderForm(req, editing: competition, values: values, builder: QuestionBuilder(questions: competition.form.questions),
                                    errors: [:], minCapacity: max(1, competition.registeredCount))
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let competition = try await services.competitions.editable(by: principal, id: try id(req))
        let values = (try? req.content.decode(FormValues.self)) ?? FormValues()
        let minCapacity = max(1, competition.registeredCount)
        var builder = QuestionBuilder(FormFields(req))
        if builder.rearrange(FormFields(req)["move"]) {
            return try await renderForm(req, editing: competition, values: values, builder: builder, errors: [:], minCapacity: minCapacity)
        }
        let (draft, formErrors) = Self.draft(from: values, builder: builder, keeping: competition)
        var errors = formErrors
        var questionProblems: [FieldError] = []
        if errors.isEmpty {
            do {
                _ = try await services.competitions.update(by: principal, id: competition.id, draft)
                return Flash(kind: .success, message: "Changes saved.").redirect(to: SiteURL.competition(competition.id).path)
            } catch DomainError.capacityBelowRegistered(let registered) {
                errors["capacity"] = "Capacity cannot be lower than the \(registered) seats already taken."
            } catch let error as DomainError {
                errors = fieldErrors(error)
                // A change that would invalidate answers (questions_locked) is told above the rows.
                questionProblems = if case .validation(let problems) = error { problems } else {
                    [FieldError("questions", Problem(error).detail)]
                }
            }
        }
        return try await renderForm(req, editing: competition, values: values, builder: builder, errors: errors,
                                    questionProblems: questionProblems, minCapacity: minCapacity, status: .badRequest)
    }

    private func id(_ req: Request) throws -> UUID {
        try req.uuidParameter("id")
    }

    /// The form for a new competition (`editing` nil) or for editing one.
    /// `questionProblems`: what the server found in the questions, shown in their rows.
    private func renderForm(
        _ req: Request, editing competition: Competition?, values: FormValues, builder: QuestionBuilder, errors: [String: String],
        questionProblems: [FieldError] = [], minCapacity: Int, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let (action, cancel): (SiteURL, SiteURL) = competition.map { (.organizerCompetition($0.id), .competition($0.id)) }
            ?? (.organizerCompetitions, .organizerDashboard)
        let rows = builder.views(errors: questionProblems)
        let general = questionProblems.filter { $0.field == "questions" }.map { "Questions: \($0.message)." }
        let page = FormPage(isEdit: competition != nil, action: action.path, values: values, errors: errors, minCapacity: minCapacity,
                            cancelURL: cancel.path, timeZones: Self.timeZoneSuggestions, rows: rows, rowCount: rows.count,
                            requiresApproval: values.requiresApproval != nil, questionErrors: general, hasQuestionErrors: !general.isEmpty)
        return try await renderer.render(req, "competition-form", title: competition == nil ? "New competition" : "Edit competition", page, status: status)
    }

    /// Turns the form's text into a draft. When editing, only fields that changed are sent, so a
    /// closed competition's deadline is not re-validated when fixing its title.
    static func draft(from values: FormValues, builder: QuestionBuilder, keeping current: Competition?) -> (CompetitionDraft, [String: String]) {
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
        let typedZone = (values.timezone ?? "").trimmingCharacters(in: .whitespaces)
        var zone = current?.timeZone ?? .utc
        if !typedZone.isEmpty {
            if let named = TimeZoneName(typedZone) { zone = named } else {
                errors["timezone"] = "Time zone \(TimeZoneName.requirement)."
            }
        }
        if current == nil || zone != current?.timeZone { draft.timeZone = zone.identifier }
        // The times are typed on the clock of the zone chosen in the same form; a field counts
        // as changed when its text does, or when the zone it is read in does.
        let form = LocalTimeFields(zone: zone, zoneChanged: current != nil && zone != current?.timeZone)
        if case .some(let date?) = form.read(values.regDeadline, label: "Registration deadline", existing: current?.regDeadline, required: true, errors: &errors, field: "regDeadline") {
            draft.regDeadline = date
        }
        if case .some(let date?) = form.read(values.startDate, label: "Start", existing: current?.startDate, errors: &errors, field: "startDate") {
            draft.startDate = date
        }
        if let opensAt = form.read(values.opensAt, label: "Registration opening", existing: current?.opensAt, errors: &errors, field: "opensAt") {
            draft.opensAt = opensAt
        }
        draft.questions = builder.questions
        draft.rules = .some(values.rules)
        draft.requiresApproval = values.requiresApproval != nil
        return (draft, errors)
    }
}
