import CompeteAPI
import CompeteCore
import Vapor

/// Registering, cancelling, and the participant's own registrations and mailbox.
struct ParticipantPages: RouteCollection {
    let services: APIServices
    let renderer: PageRenderer
    let session: WebSession

    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInPages(session: session))
        signedIn.post("competitions", ":id", "register", use: register)
        signedIn.post("competitions", ":id", "cancel", use: cancel)
        signedIn.get("me", "registrations", use: registrations)
        signedIn.get("me", "mailbox", use: mailbox)
    }

    struct RegisterForm: Content {
        var idempotencyKey: String?
    }

    /// Posts carry the idempotency key minted when the page was rendered, so a double click, a
    /// refresh or the back button registers once; the answer comes back as a flash after a redirect.
    @Sendable func register(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let id = try req.uuidParameter("id")
        let back = SiteURL.competition(id).path
        let key = (try? req.content.decode(RegisterForm.self))?.idempotencyKey
        do {
            let answer = try await services.registrations.register(
                principal, competitionId: id, idempotency: try req.idempotencyCall(key: key)
            )
            return Self.flash(answer.outcome).redirect(to: back)
        } catch DomainError.idempotencyRequestInProgress {
            return Flash(kind: .info, message: "Your registration is being processed.").redirect(to: back)
        } catch let error as DomainError {
            return Flash(kind: .error, message: Problem(error).detail).redirect(to: back)
        }
    }

    /// What the participant is told; a replay tells the same as the first answer.
    static func flash(_ outcome: RegistrationOutcome) -> Flash {
        switch outcome {
        case .confirmed:
            Flash(kind: .success, message: "You're registered! A confirmation is on its way to your mailbox.")
        case .waitlisted(let receipt):
            Flash(kind: .info, message: "This competition is full: you're number \(receipt.position ?? 0) on the waitlist. We'll email you if a seat opens up.")
        case .refused(let reason):
            Flash(kind: .error, message: Problem(reason.error).detail)
        }
    }

    struct CancelForm: Content {
        var returnTo: String?
    }

    @Sendable func cancel(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let id = try req.uuidParameter("id")
        let returnTo = (try? req.content.decode(CancelForm.self))?.returnTo
        let mine = SiteURL.myRegistrations.path
        let back = returnTo == mine ? mine : SiteURL.competition(id).path
        do {
            _ = try await services.registrations.cancel(principal, competitionId: id)
            return Flash(kind: .success, message: "Your registration is cancelled.").redirect(to: back)
        } catch let error as DomainError {
            return Flash(kind: .error, message: Problem(error).detail).redirect(to: back)
        }
    }

    struct RegistrationRow: Encodable {
        let competitionId: String
        let title: String
        let status: String
        let active: Bool
        let waitlisted: Bool
        let position: Int
        let registeredAt: String
        let start: String
        /// In a team competition: the team, linked; members leave from its page.
        let hasTeam: Bool
        let teamId: String
        let teamName: String
    }

    struct RegistrationsPage: Encodable {
        let items: [RegistrationRow]
        let empty: Bool
        let pager: Pager
    }

    @Sendable func registrations(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let result = try await services.registrations.mine(principal, page: PageRequest(page: req.pageNumber, limit: RegistrationService.pageSize))
        let items = result.items.map {
            RegistrationRow(
                competitionId: $0.competitionId.uuidString.lowercased(), title: $0.competitionTitle,
                status: $0.status.rawValue, active: $0.status != .cancelled,
                waitlisted: $0.status == .waitlisted, position: $0.position ?? 0,
                registeredAt: LocalTime.short($0.registeredAt, in: $0.timeZone), start: LocalTime.short($0.startDate, in: $0.timeZone),
                hasTeam: $0.team != nil, teamId: $0.team?.id.uuidString.lowercased() ?? "", teamName: $0.team?.name ?? ""
            )
        }
        return try await renderer.render(req, "registrations", title: "My registrations", RegistrationsPage(
            items: items, empty: items.isEmpty, pager: Pager(result, url: Pager.link(SiteURL.myRegistrations.path))
        ))
    }

    struct MessageRow: Encodable {
        let kind: String
        let subject: String
        let body: String
        let to: String
        let sentAt: String
        let delivery: String
    }

    struct MailboxPage: Encodable {
        let items: [MessageRow]
        let empty: Bool
    }

    @Sendable func mailbox(_ req: Request) async throws -> Response {
        let principal = try req.principal
        let items = try await services.mailbox.inbox(principal).map {
            MessageRow(kind: $0.message.kind.rawValue, subject: $0.message.subject, body: $0.message.body,
                       to: $0.message.to, sentAt: LocalTime.short($0.sentAt, in: .utc), delivery: $0.delivery.rawValue)
        }
        return try await renderer.render(req, "mailbox", title: "Mailbox", MailboxPage(items: items, empty: items.isEmpty))
    }
}
