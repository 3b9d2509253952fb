import CompeteAPI
import CompeteCore
import Vapor

/// Teams in the browser: creating one from the competition's page, the join page the invite
/// link opens, and the team's page (members; the captain's invite link, removals, hand-over,
/// new code and disbanding). Every decision is `TeamService`'s.
struct TeamPages: RouteCollection {
    let services: APIServices
    let renderer: PageRenderer
    let session: WebSession

    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInPages(session: session))
        signedIn.post("competitions", ":id", "teams", use: create)
        signedIn.get("join", ":code", use: invitation)
        signedIn.post("join", ":code", use: join)
        signedIn.get("teams", ":id", use: show)
        signedIn.post("teams", ":id", "members", ":userId", "remove", use: remove)
        signedIn.post("teams", ":id", "captain", use: handOver)
        signedIn.post("teams", ":id", "invite-code", use: rotate)
        signedIn.post("teams", ":id", "cancel", use: cancel)
    }

    /// Creates a team from the competition's page. The captain answers the competition's
    /// registration form like anyone registering; a refused form comes back as the page (400).
    @Sendable func create(_ req: Request) async throws -> Response {
        let id = try req.uuidParameter("id")
        let fields = FormFields(req)
        let page = CompetitionPage(services: services, renderer: renderer, session: session)
        return try await answer(back: SiteURL.competition(id).path, refused: { try await page.render(req, id: id, typed: $0) }, fields) {
            let form = try await services.competitions.get(id).form
            return try await services.teams.create(
                try req.principal, competitionId: id, name: fields["name"],
                submission: RegistrationFormFields.submission(fields, form: form),
                idempotency: try req.idempotencyCall(key: fields["idempotencyKey"])
            )
        }
    }

    struct JoinPage: Encodable {
        let found: Bool
        let code: String
        let teamName: String
        let competitionTitle: String
        let competitionURL: String
        let captainName: String
        let members: [String]
        let sizeText: String
        let idempotencyKey: String
        /// The competition's registration form, which every member answers.
        let form: FormView
    }

    /// What the invite link shows before joining: the team, its competition and who is in it.
    @Sendable func invitation(_ req: Request) async throws -> Response {
        try await renderInvitation(req, code: req.parameters.get("code") ?? "", typed: nil)
    }

    /// `typed`: a refused join form, shown with its problems and a 400.
    private func renderInvitation(_ req: Request, code: String, typed: TypedForm?) async throws -> Response {
        let team = try await services.teams.invitation(try req.principal, inviteCode: code)
        var competition: Competition?
        if let team { competition = try await services.competitions.get(team.competitionId) }
        let page = JoinPage(
            found: team != nil, code: code, teamName: team?.name ?? "", competitionTitle: competition?.title ?? "",
            competitionURL: team.map { SiteURL.competition($0.competitionId).path } ?? "/",
            captainName: team?.captainName ?? "", members: team?.members.map(\.name) ?? [],
            sizeText: team.map { "\($0.size) of at most \($0.teamSize.max) members" } ?? "",
            idempotencyKey: typed?.fields["idempotencyKey"] ?? UUID().uuidString.lowercased(),
            form: FormView(competition?.form ?? RegistrationForm(), typed: typed, stored: nil, askRules: true)
        )
        let status: HTTPResponseStatus = team == nil ? .notFound : typed == nil ? .ok : .badRequest
        return try await renderer.render(req, "join", title: team.map { "Join \($0.name)" } ?? "Invitation not found", page, status: status)
    }

    @Sendable func join(_ req: Request) async throws -> Response {
        let code = req.parameters.get("code") ?? ""
        let fields = FormFields(req)
        return try await answer(back: SiteURL.joinTeam(code: code).path, refused: { try await renderInvitation(req, code: code, typed: $0) }, fields) {
            let principal = try req.principal
            // An unknown code has no form: the service answers not_found.
            var form = RegistrationForm()
            if let team = try await services.teams.invitation(principal, inviteCode: code) {
                form = try await services.competitions.get(team.competitionId).form
            }
            return try await services.teams.join(
                principal, inviteCode: code, submission: RegistrationFormFields.submission(fields, form: form),
                idempotency: try req.idempotencyCall(key: fields["idempotencyKey"])
            )
        }
    }

    /// Created or joined: on to the team's page; a refused form: `refused` renders it again
    /// with every problem; refused otherwise: back where the form was, with why.
    private func answer(
        back: String, refused: (TypedForm) async throws -> Response, _ fields: FormFields,
        _ work: () async throws -> Idempotent<TeamOutcome>
    ) async throws -> Response {
        do {
            switch try await work().outcome {
            case .team(let team):
                return Flash(kind: .success, message: "You're in \(team.name)! A confirmation is on its way to your mailbox.")
                    .redirect(to: SiteURL.team(team.id).path)
            case .waitlisted(let team):
                return Flash(kind: .info, message: "Every place is taken: \(team.name) is number \(team.position ?? 0) on the waitlist.")
                    .redirect(to: SiteURL.team(team.id).path)
            case .refused(let reason):
                return Flash(kind: .error, message: Problem(reason.error).detail).redirect(to: back)
            }
        } catch DomainError.validation(let errors) {
            return try await refused(TypedForm(fields: fields, errors: errors))
        } catch DomainError.idempotencyRequestInProgress {
            return Flash(kind: .info, message: "Your request is being processed.").redirect(to: back)
        } catch let error as DomainError {
            return Flash(kind: .error, message: Problem(error).detail).redirect(to: back)
        }
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let team = try await services.teams.get(principal, id: try req.uuidParameter("id"))
        let competition = try await services.competitions.get(team.competitionId)
        let page = TeamPageView(team, competition: competition, viewer: principal.userId, links: services.publicWebURL)
        let response = try await renderer.render(req, "team", title: team.name, page)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    @Sendable func remove(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let teamId = try req.uuidParameter("id")
        let userId = try req.uuidParameter("userId")
        return await change(teamId) {
            let team = try await services.teams.removeMember(principal, teamId: teamId, userId: userId)
            // Someone who left has no team page to go back to.
            guard userId == principal.userId else { return ("Removed from the team.", SiteURL.team(teamId).path) }
            return ("You left \(team.name).", SiteURL.competition(team.competitionId).path)
        }
    }

    struct CaptainForm: Content {
        var userId: String?
    }

    @Sendable func handOver(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let teamId = try req.uuidParameter("id")
        let userId = (try? req.content.decode(CaptainForm.self))?.userId.flatMap(UUID.init(uuidString:))
        return await change(teamId) {
            guard let userId else { throw DomainError.invalid("userId", "must be a member") }
            let team = try await services.teams.handOver(principal, teamId: teamId, to: userId)
            return ("\(team.captainName) is the captain now.", SiteURL.team(teamId).path)
        }
    }

    @Sendable func rotate(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let teamId = try req.uuidParameter("id")
        return await change(teamId) {
            _ = try await services.teams.rotateInviteCode(principal, teamId: teamId)
            return ("New invite link made; the old one no longer works.", SiteURL.team(teamId).path)
        }
    }

    @Sendable func cancel(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let teamId = try req.uuidParameter("id")
        return await change(teamId) {
            let team = try await services.teams.cancel(principal, teamId: teamId)
            let next = principal.userId == team.organizerId ? SiteURL.registrants(team.competitionId) : SiteURL.competition(team.competitionId)
            return ("\(team.name) is cancelled.", next.path)
        }
    }

    /// Runs a change and redirects with its message, or back to the team's page with why not.
    private func change(_ teamId: UUID, _ work: () async throws -> (message: String, next: String)) async -> Response {
        do {
            let (message, next) = try await work()
            return Flash(kind: .success, message: message).redirect(to: next)
        } catch let error as DomainError {
            return Flash(kind: .error, message: Problem(error).detail).redirect(to: SiteURL.team(teamId).path)
        } catch {
            return Flash(kind: .error, message: "Something went wrong; please try again.").redirect(to: SiteURL.team(teamId).path)
        }
    }
}
