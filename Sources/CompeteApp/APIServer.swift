import ServiceLifecycle
import Vapor

/// The JSON API's HTTP server as a service. On graceful shutdown it stops accepting connections
/// and finishes the requests in flight before `run` returns: the service group stops it first, so
/// everything those requests use (the worker's queue, the database pools) is still there.
public struct APIServer: Service, CustomStringConvertible {
    let app: Application
    let host: String
    let port: Int
    /// Where it listens once started (`API_PORT`, or the port picked when that is 0).
    public let boundPort = BoundPort()

    public var description: String { "API" }

    public func run() async throws {
        try await boundPort.serve("API", logger: app.logger, url: { "http://\(host):\($0)/api" }) {
            try await app.server.start(address: .hostname(host, port: port))
            return app.http.server.shared.localAddress?.port ?? port
        } stop: {
            await app.server.shutdown()
        }
    }
}
