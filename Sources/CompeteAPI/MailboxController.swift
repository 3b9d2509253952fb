import CompeteCore
import Vapor

struct MailboxController: RouteCollection {
    let services: APIServices

    struct Message: Encodable {
        let id: String
        let kind: String
        let to: String
        let subject: String
        let body: String
        let sentAt: Date
        /// How far the message got: recorded, sent, retrying, failed.
        let delivery: String

        init(_ entry: MailboxEntry) {
            delivery = entry.delivery.rawValue
            id = entry.id.wire
            kind = entry.message.kind.rawValue
            to = entry.message.to
            subject = entry.message.subject
            body = entry.message.body
            sentAt = entry.sentAt
        }
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.signedIn(services.tokens).get("users", "me", "mailbox", use: mailbox)
    }

    @Sendable func mailbox(_ req: Request) async throws -> Response {
        let entries = try await services.mailbox.inbox(try req.principal)
        return .json(ItemsResponse(items: entries.map(Message.init)))
    }
}
