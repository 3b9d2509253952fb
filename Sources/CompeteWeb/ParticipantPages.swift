import CompeteAPI
import CompeteCore
import Vapor

/// Registering, cancelling, and the participant's own registrations and mailbox.
struct ParticipantPages: RouteCollection {
    let services: APIServices
    let renderer: PageRenderer
    let session: WebSession

    func boot(routes: any RoutesBuilder) throws {
        routes.post("competitions", ":id", "register", use: register)
        routes.post("competitions", ":id", "cancel", use: cancel)
        routes.get("me", "registrations", use: registrations)
        routes.get("me", "mailbox", use: mailbox)
    }

    struct RegisterForm: Content {
        var idempotencyKey: String?
    }

    /// Posts carry the idempotency key minted when the page was rendered, so a double click, a
    /// refresh or the back button registers once; the answer comes back as a flash after a redirect.
    @Sendable func register(_ req: Request) async throws -> Response {
        let principal = try await session.requirePrincipal(req)
        let id = try req.uuidParameter("id")
        let back = "/competitions/\(id.uuidString.lowercased())"
        let key = (try? req.content.decode(RegisterForm.self))?.idempotencyKey
        do {
            let response = try await services.registerResponse(req, principal: principal, competitionId: id, idempotencyKey: key)
            if response.status == .created {
                return Flash(kind: .success, message: "You're registered! A confirmation is on its way to your mailbox.").redirect(to: back)
            }
            if response.status == .accepted {
                let place = try? JSONDecoder().decode(WaitlistPlace.self, from: response.body.data ?? Data())
                return Flash(kind: .info, message: "This competition is full: you're number \(place?.position ?? 0) on the waitlist. We'll email you if a seat opens up.").redirect(to: back)
            }
            let problem = try? JSONDecoder().decode(ProblemBody.self, from: response.body.data ?? Data())
            if problem?.code == "idempotency_request_in_progress" {
                return Flash(kind: .info, message: "Your registration is being processed.").redirect(to: back)
            }
            return Flash(kind: .error, message: problem?.detail ?? "Registration failed.").redirect(to: back)
        } catch let error as DomainError {
            return Flash(kind: .error, message: Problem(error).detail).redirect(to: back)
        }
    }

    struct WaitlistPlace: Decodable {
        let position: Int
    }

    struct ProblemBody: Decodable {
        let code: String
        let detail: String
    }

    struct CancelForm: Content {
        var returnTo: String?
    }

    @Sendable func cancel(_ req: Request) async throws -> Response {
        let principal = try await session.requirePrincipal(req)
        let id = try req.uuidParameter("id")
        let returnTo = (try? req.content.decode(CancelForm.self))?.returnTo
        let back = returnTo == "/me/registrations" ? "/me/registrations" : "/competitions/\(id.uuidString.lowercased())"
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
    }

    struct RegistrationsPage: Encodable {
        let items: [RegistrationRow]
        let empty: Bool
    }

    @Sendable func registrations(_ req: Request) async throws -> Response {
        let principal = try await session.requirePrincipal(req)
        let items = try await services.registrations.mine(principal).map {
            RegistrationRow(
                competitionId: $0.competitionId.uuidString.lowercased(), title: $0.competitionTitle,
                status: $0.status.rawValue, active: $0.status != .cancelled,
                waitlisted: $0.status == .waitlisted, position: $0.position ?? 0,
                registeredAt: Formatting.date($0.registeredAt), start: Formatting.date($0.startDate)
            )
        }
        return try await renderer.render(req, "registrations", title: "My registrations", RegistrationsPage(items: items, empty: items.isEmpty))
    }

    struct MessageRow: Encodable {
        let kind: String
        let subject: String
        let body: String
        let to: String
        let sentAt: String
    }

    struct MailboxPage: Encodable {
        let items: [MessageRow]
        let empty: Bool
    }

    @Sendable func mailbox(_ req: Request) async throws -> Response {
        let principal = try await session.requirePrincipal(req)
        let items = try await services.mailbox.inbox(principal).map {
            MessageRow(kind: $0.message.kind.rawValue, subject: $0.message.subject, body: $0.message.body,
                       to: $0.message.to, sentAt: Formatting.date($0.sentAt))
        }
        return try await renderer.render(req, "mailbox", title: "Mailbox", MailboxPage(items: items, empty: items.isEmpty))
    }
}
