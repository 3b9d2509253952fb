import CompeteAPI
import CompeteCore
import Vapor

/// The account page's mail settings, and the page an email's unsubscribe link leads to.
struct MailPages: RouteCollection {
    let services: APIServices
    let renderer: PageRenderer
    let session: WebSession

    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInPages(session: session))
        signedIn.get("me", "account", use: account)
        signedIn.post("me", "account", "reminders", use: setReminders)
        routes.get("unsubscribe", use: unsubscribeForm)
        routes.post("unsubscribe", use: unsubscribe)
    }

    struct AccountPage: Encodable {
        let reminders: Bool
    }

    struct RemindersForm: Content {
        var reminders: String?
    }

    @Sendable func account(_ req: Request) async throws -> Response {
        let preferences = try await services.mailPreferences.preferences(try req.principal)
        return try await renderer.render(req, "account", title: "Account", AccountPage(reminders: preferences.reminders))
    }

    /// A checkbox: present ("on") turns reminders on, absent turns them off.
    @Sendable func setReminders(_ req: Request) async throws -> Response {
        let form = (try? req.content.decode(RemindersForm.self)) ?? RemindersForm()
        let on = form.reminders == "on"
        _ = try await services.mailPreferences.setReminders(try req.principal, enabled: on)
        let message = on ? "Reminders are on: we'll email you before your competitions start." : "Reminders are off."
        return Flash(kind: .success, message: message).redirect(to: SiteURL.account.path)
    }

    struct UnsubscribePage: Encodable {
        let token: String
        let valid: Bool
        let done: Bool
    }

    struct UnsubscribeForm: Content {
        var token: String?
    }

    /// Asks before doing anything: link scanners open every link in an email.
    @Sendable func unsubscribeForm(_ req: Request) async throws -> Response {
        let token = req.query[String.self, at: "token"] ?? ""
        let valid = services.mailPreferences.isValid(token: token)
        return try await renderer.render(req, "unsubscribe", title: "Reminders",
                                         UnsubscribePage(token: token, valid: valid, done: false),
                                         status: valid ? .ok : .badRequest)
    }

    /// The one-click target (RFC 8058): a mail provider POSTs `List-Unsubscribe=One-Click` to the
    /// link itself (token in the query); the page's own button sends the token in the form.
    @Sendable func unsubscribe(_ req: Request) async throws -> Response {
        let token = req.query[String.self, at: "token"] ?? (try? req.content.decode(UnsubscribeForm.self))?.token ?? ""
        do {
            _ = try await services.mailPreferences.unsubscribeFromReminders(token: token)
            return try await renderer.render(req, "unsubscribe", title: "Reminders", UnsubscribePage(token: "", valid: true, done: true))
        } catch DomainError.validation {
            return try await renderer.render(req, "unsubscribe", title: "Reminders",
                                             UnsubscribePage(token: "", valid: false, done: false), status: .badRequest)
        }
    }
}
