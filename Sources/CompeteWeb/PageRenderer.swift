import CompeteAPI
import CompeteCore
import Vapor

/// Renders Leaf templates inside the site layout.
struct PageRenderer {
    let services: APIServices
    let session: WebSession

    func render<Content: Encodable>(
        _ req: Request, _ template: String, title: String, _ content: Content, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let principal = await session.principal(req)
        var user: User?
        if let principal { user = try? await services.auth.user(for: principal) }
        let flash = Flash.take(from: req)
        let layout = Layout(
            title: title, csrf: req.csrfToken, signedIn: user != nil,
            isOrganizer: user?.role == .organizer, isParticipant: user?.role == .participant,
            userName: user?.name ?? "", hasFlash: flash != nil,
            flashKind: flash?.kind.rawValue ?? "", flashMessage: flash?.message ?? ""
        )
        let view = try await req.view.render(template, PageView(layout: layout, page: content))
        let response = try await view.encodeResponse(for: req)
        response.status = status
        return response
    }
}
