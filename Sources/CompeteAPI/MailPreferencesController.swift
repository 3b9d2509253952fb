import CompeteCore
import Vapor

/// A user's mail preferences, and the reminders' one-click unsubscribe (RFC 8058), which needs
/// no login: the signed token in the link is the credential.
struct MailPreferencesController: RouteCollection {
    let services: APIServices

    struct PreferencesRequest: Decodable {
        var reminders: Bool?
    }

    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.signedIn(services.tokens)
        signedIn.get("users", "me", "preferences", use: preferences)
        signedIn.patch("users", "me", "preferences", use: update)
        routes.post("mail", "unsubscribe", use: unsubscribe)
    }

    @Sendable func preferences(_ req: Request) async throws -> Response {
        .json(try await services.mailPreferences.preferences(try req.principal))
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let body = try APIJSON.decodeBody(PreferencesRequest.self, from: req)
        guard let reminders = body.reminders else { throw DomainError.invalid("reminders", "is required (true or false)") }
        return .json(try await services.mailPreferences.setReminders(try req.principal, enabled: reminders))
    }

    /// The API's twin of the web's one-click target (`/unsubscribe?token=…`, which the emails
    /// link to): the token alone identifies the user; any body is ignored. Repeating it changes
    /// nothing.
    @Sendable func unsubscribe(_ req: Request) async throws -> Response {
        .json(try await services.mailPreferences.unsubscribeFromReminders(token: token(req)))
    }

    private func token(_ req: Request) throws -> String {
        guard let token = req.query[String.self, at: "token"], !token.isEmpty else {
            throw DomainError.invalid("token", "is required")
        }
        return token
    }
}
