import CompeteAPI
import CompeteJobs
import CompeteStore
import Metrics
import Prometheus

/// Process-wide metrics: swift-metrics bootstrapped once into a Prometheus registry.
enum Telemetry {
    /// Bootstrapping twice would trap, and tests build many applications in one process.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        DomainMetrics.declare()
        Worker.declareMetrics()
        WebhookLane.declareMetrics()
        CatalogFeed.declareMetrics()
        return registry
    }()

    /// Installs the registry before anything records a metric (idempotent).
    static func bootstrap() {
        _ = registry
    }

    /// The exposition text, with the queue depth read fresh at scrape time.
    static func render(queue: any JobQueue) async -> [UInt8] {
        if let stats = try? await queue.stats() {
            for (state, value) in [("outbox", stats.outbox), ("waiting", stats.waiting), ("active", stats.active), ("dead", stats.dead)] {
                Gauge(label: "jobs_queue_depth", dimensions: [("state", state)]).record(value)
            }
        }
        return registry.emitToBuffer()
    }
}
