import CompeteAPI
import CompeteCore
import Vapor

/// A competition's page: details, rules, and what the visitor can do — register through the
/// form, change their answers, see a pending or declined registration. Rendered for a `GET`
/// and again, with what was typed and the problems, when a form post is refused.
struct CompetitionPage {
    let services: APIServices
    let renderer: PageRenderer
    let session: WebSession

    struct ShowPage: Encodable {
        let competition: CompetitionView
        let signedIn: Bool
        let isParticipant: Bool
        let isOwner: Bool
        let isRegistered: Bool
        let isWaitlisted: Bool
        let isPending: Bool
        let isDeclined: Bool
        let declineReason: String
        let hasDeclineReason: Bool
        let position: Int
        let canRegister: Bool
        let canJoinWaitlist: Bool
        /// Registered and before the deadline, with questions to answer.
        let canChangeAnswers: Bool
        let form: FormView
        let pendingCount: Int
        let idempotencyKey: String
        let loginURL: String
    }

    /// `typed`: a refused post of the registration form or of the answers form (whichever the
    /// visitor sees), shown with its problems and a 400.
    func render(_ req: Request, id: UUID, typed: TypedForm? = nil) async throws -> Response {
        let competition = try await services.competitions.get(id)
        let principal = await session.principal(req)
        var mine: ParticipantRegistration?
        if let principal, principal.role == .participant {
            mine = try await services.registrations.mine(principal, competitionId: id)
        }
        let now = services.effects.now()
        let view = CompetitionView(competition, now: now)
        let active = mine.map { $0.status.isActive } ?? false
        let open = competition.regDeadline > now
        // Applications awaiting approval take no seat: a full competition still takes them
        // (once registration has opened).
        let takesApplications = competition.form.requiresApproval && open && !view.isUpcoming
        let formView = FormView(
            competition.form, typed: typed, stored: typed == nil ? mine?.answers : nil, askRules: mine == nil
        )
        let page = ShowPage(
            competition: view, signedIn: principal != nil, isParticipant: principal?.role == .participant,
            isOwner: principal?.userId == competition.organizerId, isRegistered: mine?.status == .confirmed,
            isWaitlisted: mine?.status == .waitlisted, isPending: mine?.status == .pending,
            isDeclined: mine?.status == .declined, declineReason: mine?.declineReason ?? "",
            hasDeclineReason: mine?.declineReason != nil,
            position: mine?.position ?? 0,
            canRegister: mine == nil && (view.status == "open" || takesApplications),
            canJoinWaitlist: mine == nil && !takesApplications && view.waitlistOpen,
            canChangeAnswers: active && open && !competition.form.questions.isEmpty,
            form: formView, pendingCount: competition.pendingCount,
            idempotencyKey: typed?.fields["idempotencyKey"] ?? UUID().uuidString.lowercased(),
            loginURL: "\(SiteURL.login.path)?next=\(SiteURL.competition(competition.id).path)"
        )
        let response = try await renderer.render(
            req, "competition", title: competition.title, page, status: typed == nil ? .ok : .badRequest
        )
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
