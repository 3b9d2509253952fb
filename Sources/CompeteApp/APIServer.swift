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
        do {
            try await app.server.start(address: .hostname(host, port: port))
        } catch {
            boundPort.settle(.failure(error))
            throw error
        }
        let listening = app.http.server.shared.localAddress?.port ?? port
        boundPort.settle(.success(listening))
        app.logger.notice("API listening", metadata: ["url": "http://\(host):\(listening)/api"])
        // Cancellation (another role failed) ends the wait too; either way, stop cleanly.
        try? await gracefulShutdown()
        app.logger.notice("API stopping: finishing requests in flight")
        await app.server.shutdown()
        app.logger.notice("API stopped")
    }
}
