import Vapor

/// The OpenAPI document of this API and a self-contained page that renders it, both shipped
/// as resources of this module (`Resources/openapi.json`, `Resources/docs.html`).
struct DocsController: RouteCollection {
    let openAPI: ByteBuffer
    let page: ByteBuffer

    init() throws {
        guard let resources = Bundle.module.resourceURL else {
            throw Abort(.internalServerError, reason: "API resources are missing from the build")
        }
        openAPI = ByteBuffer(data: try Data(contentsOf: resources.appendingPathComponent("openapi.json")))
        page = ByteBuffer(data: try Data(contentsOf: resources.appendingPathComponent("docs.html")))
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("openapi.json", use: document)
        routes.get("docs", use: docs)
    }

    @Sendable func document(_ req: Request) async throws -> Response {
        Response(status: .ok, headers: ["Content-Type": "application/json; charset=utf-8"], body: .init(buffer: openAPI))
    }

    @Sendable func docs(_ req: Request) async throws -> Response {
        Response(status: .ok, headers: [
            "Content-Type": "text/html; charset=utf-8",
            "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
            "X-Content-Type-Options": "nosniff",
        ], body: .init(buffer: page))
    }
}
