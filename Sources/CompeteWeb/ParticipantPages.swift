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
        signedIn.post("competitions", ":id", "answers", use: changeAnswers)
        signedIn.get("me", "registrations", use: registrations)
        signedIn.get("me", "mailbox", use: mailbox)
    }

    /// Posts carry the idempotency key minted when the page was rendered, so a double click, a
    /// refresh or the back button registers once; the answer comes back as a flash after a redirect.
    @Sendable func register(_ req: Request) async throws -> Response {
        try await formPost(req) { principal, id, fields, submission in
            let answer = try await services.registrations.register(
                principal, competitionId: id, submission: submission, idempotency: try req.idempotencyCall(key: fields["idempotencyKey"])
            )
            return Self.flash(answer.outcome)
        }
    }

    /// Changes the answers of the participant's registration, until the deadline.
    @Sendable func changeAnswers(_ req: Request) async throws -> Response {
        try await formPost(req) { principal, id, _, submission in
            _ = try await services.registrations.changeAnswers(principal, competitionId: id, submission: submission)
            return Flash(kind: .success, message: "Your answers are saved.")
        }
    }

    /// A post of the registration form: `action` gets the answers as the API would have them
    /// and says what to flash on the competition page. A refused form comes back as the page
    /// itself (400), every problem next to its field and everything typed kept.
    private func formPost(
        _ req: Request, _ action: (Principal, UUID, FormFields, FormSubmission) async throws -> Flash
    ) async throws -> Response {
        let principal = try req.principal
        let id = try req.uuidParameter("id")
        let back = SiteURL.competition(id).path
        let fields = FormFields(req)
        do {
            let form = try await services.competitions.get(id).form
            return try await action(principal, id, fields, RegistrationFormFields.submission(fields, form: form)).redirect(to: back)
        } catch DomainError.validation(let errors) {
            return try await page.render(req, id: id, typed: TypedForm(fields: fields, errors: errors))
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
        case .pending:
            Flash(kind: .info, message: "Thanks! The organizer approves each registration: yours is pending, and we'll email you when they decide.")
        case .refused(let reason):
            Flash(kind: .error, message: Problem(reason.error).detail)
        }
    }

    private var page: CompetitionPage { CompetitionPage(services: services, renderer: renderer, session: session) }

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
        let pending: Bool
        let declineReason: String
        let hasDeclineReason: Bool
        let position: Int
        let registeredAt: String
        let start: String
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
                status: $0.status.rawValue, active: $0.status.isActive,
                waitlisted: $0.status == .waitlisted, pending: $0.status == .pending,
                declineReason: $0.declineReason ?? "", hasDeclineReason: $0.declineReason != nil, position: $0.position ?? 0,
                registeredAt: LocalTime.short($0.registeredAt, in: $0.timeZone), start: LocalTime.short($0.startDate, in: $0.timeZone)
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
