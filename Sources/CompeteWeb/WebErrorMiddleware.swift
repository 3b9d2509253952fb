import CompeteAPI
import CompeteCore
import Vapor

/// Friendly error pages in the site's layout; a visitor who must sign in is sent to the login
/// page and brought back afterwards.
struct WebErrorMiddleware: AsyncMiddleware {
    let renderer: PageRenderer

    struct ErrorPage: Encodable {
        let status: Int
        let heading: String
        let message: String
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch WebRedirect.login(let path) {
            let target = LocalPath.safe(path)
            let query = (try? URLEncodedFormEncoder().encode(["next": target])) ?? ""
            return Flash(kind: .info, message: "Please log in to continue.").redirect(to: "\(SiteURL.login.path)?\(query)")
        } catch {
            let (status, heading, message) = Self.describe(error)
            if status.code >= 500 {
                request.logger.error("page failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            let page = ErrorPage(status: Int(status.code), heading: heading, message: message)
            if let rendered = try? await renderer.render(request, "error", title: heading, page, status: status) {
                return rendered
            }
            return Response(status: status, body: .init(string: "\(status.code) \(heading)"))
        }
    }

    static func describe(_ error: any Error) -> (HTTPResponseStatus, String, String) {
        switch error {
        case DomainError.notFound:
            return (.notFound, "Page not found", "There is nothing here. The competition may have been removed, or the link is mistyped.")
        case DomainError.forbidden:
            return (.forbidden, "Not allowed", "Your account cannot open this page.")
        case let error as DomainError:
            let problem = Problem(error)
            return (HTTPResponseStatus(statusCode: problem.status), problem.title, problem.detail)
        case let abort as any AbortError where abort.status == .notFound:
            return (.notFound, "Page not found", "There is nothing here. The link may be mistyped.")
        case let abort as any AbortError where abort.status.code < 500:
            return (abort.status, abort.status.reasonPhrase, abort.reason)
        default:
            return (.internalServerError, "Something went wrong", "An error on our side stopped this page. Please try again in a moment.")
        }
    }
}
