import CompeteAPI
import CompeteWeb
import NIOConcurrencyHelpers
import Vapor

/// Serves the web UI from its own Vapor application on `WEB_PORT`, sharing the API
/// application's event loops and services. Started when the main application boots and shut
/// down with it.
public final class WebHost: LifecycleHandler, Sendable {
    private let services: APIServices
    private let options: WebOptions
    private let host: String
    private let port: Int
    private let web = NIOLockedValueBox<Application?>(nil)

    init(services: APIServices, options: WebOptions, host: String, port: Int) {
        self.services = services
        self.options = options
        self.host = host
        self.port = port
    }

    /// The port actually bound (useful when configured as 0).
    public var boundPort: Int? {
        web.withLockedValue { $0?.http.server.shared.localAddress?.port }
    }

    public func didBootAsync(_ application: Application) async throws {
        let web = try await Application.make(application.environment, .shared(application.eventLoopGroup))
        web.logger = application.logger
        do {
            try registerWeb(on: web, services: services, options: options)
            try await web.server.start(address: .hostname(host, port: port))
        } catch {
            try? await web.asyncShutdown()
            throw error
        }
        self.web.withLockedValue { $0 = web }
        application.logger.notice("web UI started", metadata: ["url": "http://\(host):\(boundPort ?? port)"])
    }

    public func shutdownAsync(_ application: Application) async {
        guard let web = self.web.withLockedValue({ $0 }) else { return }
        await web.server.shutdown()
        try? await web.asyncShutdown()
    }
}
