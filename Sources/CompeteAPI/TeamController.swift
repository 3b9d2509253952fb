import CompeteCore
import Vapor

/// The Teams routes of API.md: thin, rendering `TeamService`'s outcomes.
struct TeamController: RouteCollection {
    let services: APIServices

    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.signedIn(services.tokens)
        signedIn.post("competitions", ":id", "teams", use: create)
        signedIn.post("teams", "join", use: join)
        signedIn.get("teams", ":id", use: show)
        signedIn.delete("teams", ":id", use: cancel)
        signedIn.delete("teams", ":id", "members", ":userId", use: removeMember)
        signedIn.post("teams", ":id", "captain", use: handOver)
        signedIn.post("teams", ":id", "invite-code", use: rotate)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let body = try APIJSON.decodeBody(CreateTeamRequest.self, from: req)
        let answer = try await services.teams.create(
            try req.principal, competitionId: try req.uuidParameter("id"), name: body.name, submission: body.form.submission,
            idempotency: try req.idempotencyCall()
        )
        return .team(answer, created: true)
    }

    @Sendable func join(_ req: Request) async throws -> Response {
        let body = try APIJSON.decodeBody(JoinTeamRequest.self, from: req)
        let answer = try await services.teams.join(
            try req.principal, inviteCode: body.inviteCode, submission: body.form.submission, idempotency: try req.idempotencyCall()
        )
        return .team(answer, created: false)
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        .json(TeamResponse(try await services.teams.get(try req.principal, id: try req.uuidParameter("id"))))
    }

    @Sendable func cancel(_ req: Request) async throws -> Response {
        .json(TeamResponse(try await services.teams.cancel(try req.principal, teamId: try req.uuidParameter("id"))))
    }

    @Sendable func removeMember(_ req: Request) async throws -> Response {
        let team = try await services.teams.removeMember(
            try req.principal, teamId: try req.uuidParameter("id"), userId: try req.uuidParameter("userId")
        )
        return .json(TeamResponse(team))
    }

    @Sendable func handOver(_ req: Request) async throws -> Response {
        let body = try APIJSON.decodeBody(CaptainRequest.self, from: req)
        guard let raw = body.userId, let userId = UUID(uuidString: raw) else {
            throw DomainError.invalid("userId", "must be the id of a member")
        }
        let team = try await services.teams.handOver(try req.principal, teamId: try req.uuidParameter("id"), to: userId)
        return .json(TeamResponse(team))
    }

    @Sendable func rotate(_ req: Request) async throws -> Response {
        .json(TeamResponse(try await services.teams.rotateInviteCode(try req.principal, teamId: try req.uuidParameter("id"))))
    }
}
