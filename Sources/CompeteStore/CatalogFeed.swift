import CompeteCore
import FluentPostgresDriver
import Foundation
import Logging
import Metrics
import NIOCore

/// Hears the other instances' writes on PostgreSQL: one dedicated connection LISTENs on
/// `CatalogNotifier.channel`, and every notification from another instance moves the catalog
/// version on, so that its answers computed before are not served again. While that
/// connection is not established (starting, dropped, the server restarting) the version does
/// not serve at all and every public read is computed; once it is back the version moves on
/// (notifications may have gone by unheard) and serves again.
public final class CatalogFeed: Sendable {
    /// How the listening connection presents itself in `pg_stat_activity.application_name`:
    /// "mini-compete catalog" and this process's instance id (its notifications' payload).
    public let applicationName: String

    private let configuration: PostgresConnection.Configuration
    private let version: CatalogVersion
    private let instance: String
    private let eventLoop: any EventLoop
    private let logger: Logger

    /// The feed of `context`'s database, reached at `url` (the application's DATABASE_URL);
    /// nil on SQLite, where this process is the only writer.
    public init?(url: String, context: SQLContext, eventLoop: any EventLoop, logger: Logger) throws {
        guard let notifier = context.notifier else { return nil }
        var configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        self.applicationName = "mini-compete catalog \(notifier.instance)"
        configuration.options.additionalStartupParameters.append(("application_name", applicationName))
        self.configuration = configuration
        self.version = context.catalog
        self.instance = notifier.instance
        self.eventLoop = eventLoop
        self.logger = logger
    }

    /// Listens until the task is cancelled, reconnecting after a loss with a growing pause
    /// (0.1 s doubling to 5 s); warns once per outage. Never throws.
    public func run() async {
        var pause = Self.firstPause
        var lost = false
        while !Task.isCancelled {
            do {
                try await listenOnce {
                    if lost { logger.notice("catalog listener back: public reads are answered from memory again") }
                    (lost, pause) = (false, Self.firstPause)
                }
            } catch {
                logger.debug("catalog listener ended", metadata: ["error": "\(error)"])
            }
            version.suspend()
            Self.listening.record(0)
            guard !Task.isCancelled else { break }
            if !lost {
                logger.warning("catalog listener lost: every public read is computed until it is back")
                lost = true
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, Self.longestPause)
        }
    }

    private static let firstPause = Duration.milliseconds(100)
    private static let longestPause = Duration.seconds(5)

    /// One connection's life: connect, LISTEN, serve (after `established`), and move the
    /// version on for every other instance's notification until the connection ends.
    private func listenOnce(established: () -> Void) async throws {
        let connection = try await PostgresConnection.connect(
            on: eventLoop, configuration: configuration, id: 0, logger: logger
        )
        do {
            try await connection.listen(on: CatalogNotifier.channel) { notifications in
                version.resume()
                Self.listening.record(1)
                established()
                for try await notification in notifications where notification.payload != instance {
                    CatalogNotifier.received.increment()
                    version.advance()
                }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    /// 1 while this process hears the other instances (PostgreSQL), else 0.
    static let listening = Gauge(label: "read_cache_listening")

    /// Declares the feed's metrics at zero.
    public static func declareMetrics() {
        listening.record(0)
        _ = (CatalogNotifier.sent, CatalogNotifier.received, CatalogNotifier.failed)
    }
}
