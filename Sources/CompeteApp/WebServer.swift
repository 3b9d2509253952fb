import CompeteAPI
import CompeteWeb
import ServiceLifecycle
import Vapor

/// The web UI as a service: its own Vapor application on `WEB_PORT`, sharing the API
/// application's event loops and services. On graceful shutdown it stops accepting connections
/// and finishes the requests in flight, like ``APIServer``.
public struct WebServer: Service, CustomStringConvertible {
    let app: Application
    let services: APIServices
    let options: WebOptions
    let host: String
    let port: Int
    /// Where it listens once started (`WEB_PORT`, or the port picked when that is 0).
    public let boundPort = BoundPort()

    public var description: String { "web UI" }

    public func run() async throws {
        var web: Application?
        try await boundPort.serve("web UI", logger: app.logger, url: { "http://\(host):\($0)" }) {
            let started = try await start()
            web = started
            return started.http.server.shared.localAddress?.port ?? port
        } stop: {
            guard let web else { return }
            await web.server.shutdown()
            try await web.asyncShutdown()
        }
    }

    private func start() async throws -> Application {
        let web = try await Application.make(app.environment, .shared(app.eventLoopGroup))
        web.logger = app.logger
        do {
            try registerWeb(on: web, services: services, options: options)
            try await web.server.start(address: .hostname(host, port: port))
            return web
        } catch {
            try? await web.asyncShutdown()
            throw error
        }
    }
}
