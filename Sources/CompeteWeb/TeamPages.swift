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

    struct CreateForm: Content {
        var name: String?
        var idempotencyKey: String?
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let id = try req.uuidParameter("id")
        let form = try? req.content.decode(CreateForm.self)
        let back = SiteURL.competition(id).path
        return try await answer(back: back) {
            try await services.teams.create(
                try req.principal, competitionId: id, name: form?.name, idempotency: try req.idempotencyCall(key: form?.idempotencyKey)
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
    }

    /// What the invite link shows before joining: the team, its competition and who is in it.
    @Sendable func invitation(_ req: Request) async throws -> Response {
        let code = req.parameters.get("code") ?? ""
        let team = try await services.teams.invitation(try req.principal, inviteCode: code)
        var title = ""
        if let team { title = try await services.competitions.get(team.competitionId).title }
        let page = JoinPage(
            found: team != nil, code: code, teamName: team?.name ?? "", competitionTitle: title,
            competitionURL: team.map { SiteURL.competition($0.competitionId).path } ?? "/",
            captainName: team?.captainName ?? "", members: team?.members.map(\.name) ?? [],
            sizeText: team.map { "\($0.size) of at most \($0.teamSize.max) members" } ?? "",
            idempotencyKey: UUID().uuidString.lowercased()
        )
        return try await renderer.render(req, "join", title: team.map { "Join \($0.name)" } ?? "Invitation not found", page,
                                         status: team == nil ? .notFound : .ok)
    }

    struct JoinForm: Content {
        var idempotencyKey: String?
    }

    @Sendable func join(_ req: Request) async throws -> Response {
        let code = req.parameters.get("code") ?? ""
        let key = (try? req.content.decode(JoinForm.self))?.idempotencyKey
        return try await answer(back: SiteURL.joinTeam(code: code).path) {
            try await services.teams.join(try req.principal, inviteCode: code, idempotency: try req.idempotencyCall(key: key))
        }
    }

    /// Created or joined: on to the team's page; refused: back where the form was, with why.
    private func answer(back: String, _ work: () async throws -> Idempotent<TeamOutcome>) async throws -> Response {
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
