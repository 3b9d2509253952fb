import Foundation
import Testing

/// The OpenAPI document and the application agree: every route the app registers is
/// documented, and every documented operation is registered.
@Suite struct OpenAPIRouteTests {
    @Test func everyRouteIsDocumentedAndViceVersa() async throws {
        try await withServer(.sqlite) { server in
            let response = try await server.request(.GET, "/api/openapi.json")
            #expect(response.status == 200 && response.contentType.hasPrefix("application/json"))
            let document = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let methods = Set(["get", "post", "put", "patch", "delete"])
            let documented = Set(paths.flatMap { path, item in
                item.keys.filter { methods.contains($0) }.map { "\($0.uppercased()) \(path)" }
            })
            let registered = Set(server.system.app.routes.all.map { route in
                let path = "/" + route.path.map { component -> String in
                    let text = "\(component)"
                    return text.hasPrefix(":") ? "{\(text.dropFirst())}" : text
                }.joined(separator: "/")
                return "\(route.method.rawValue) \(path)"
            })
            #expect(registered.subtracting(documented).isEmpty, "undocumented routes: \(registered.subtracting(documented).sorted())")
            #expect(documented.subtracting(registered).isEmpty, "documented but missing: \(documented.subtracting(registered).sorted())")

            let docs = try await server.request(.GET, "/api/docs")
            #expect(docs.status == 200 && docs.contentType.hasPrefix("text/html"))
            #expect(!docs.text.contains("https://"), "the docs page loads nothing from elsewhere")
        }
    }
}
