import CompeteCore
import Metrics
import Vapor

/// Renders the Prometheus text exposition for `GET /metrics`; built by the composition root.
public struct MetricsEndpoint: Sendable {
    public let render: @Sendable () async -> [UInt8]

    public init(render: @escaping @Sendable () async -> [UInt8]) {
        self.render = render
    }
}

/// Domain counters, next to Vapor's own `http_requests_total` / `http_request_duration_seconds`
/// (labelled by route template and status). The services report to them through the observers
/// the composition root hands them, so the API and the web UI are counted alike.
public enum DomainMetrics {
    /// `registrations_total` by outcome: one count per registration attempt.
    @Sendable public static func registration(_ result: Result<Idempotent<RegistrationOutcome>, any Error>) {
        Counter(label: "registrations_total", dimensions: [("outcome", label(result))]).increment()
    }

    /// `idempotency_requests_total` by what happened to the key.
    @Sendable public static func idempotency(_ event: IdempotencyEvent) {
        Counter(label: "idempotency_requests_total", dimensions: [("outcome", event.rawValue)]).increment()
    }

    /// Every `registrations_total` label, declared at zero from start-up (Prometheus guidance:
    /// a series that appears only after its first event breaks `rate()` and alerts on absence).
    static let registrationLabels = [
        "confirmed", "waitlisted", "pending", "replayed", "invalid", "full", "closed", "not_open", "already", "not_found", "in_progress",
        "rate_limited", "other",
    ]

    /// Declares every known label set of the domain counters, at zero.
    public static func declare() {
        for outcome in registrationLabels {
            _ = Counter(label: "registrations_total", dimensions: [("outcome", outcome)])
        }
        for event in IdempotencyEvent.allCases {
            _ = Counter(label: "idempotency_requests_total", dimensions: [("outcome", event.rawValue)])
        }
        ReadCache.declareMetrics()
    }

    static func label(_ result: Result<Idempotent<RegistrationOutcome>, any Error>) -> String {
        switch result {
        case .success(let answer) where answer.replayed: "replayed"
        case .success(let answer):
            switch answer.outcome {
            case .confirmed: "confirmed"
            case .waitlisted: "waitlisted"
            case .pending: "pending"
            case .refused(let reason): label(reason.error)
            }
        case .failure(let error as DomainError): label(error)
        case .failure: "other"
        }
    }

    private static func label(_ error: DomainError) -> String {
        switch error {
        case .competitionFull: "full"
        case .registrationClosed: "closed"
        case .registrationNotOpen: "not_open"
        case .alreadyRegistered: "already"
        case .notFound: "not_found"
        case .idempotencyRequestInProgress: "in_progress"
        case .rateLimited: "rate_limited"
        case .validation: "invalid"
        default: "other"
        }
    }
}

/// One log line per request — request id, method, route, status, duration, user — and the
/// request id echoed in `X-Request-Id` (Vapor takes it from the request or makes one).
struct AccessLogMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Request-Id", value: request.id)
        // Building the line costs measurable CPU on the hot path (docs/benchmarks.md): skip it
        // entirely when info logging is off.
        guard request.logger.logLevel <= .info else { return response }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)",
            "route": "\(request.route.map { "/" + $0.path.map { "\($0)" }.joined(separator: "/") } ?? request.url.path)",
            "status": "\(response.status.code)",
            "duration_ms": "\((milliseconds * 100).rounded() / 100)",
        ]
        if let user = request.storage[AuthenticatedUserKey.self] { metadata["user"] = "\(user.uuidString.lowercased())" }
        request.logger.info("request", metadata: metadata)
        return response
    }
}

/// The authenticated user of a request, for the access log.
struct AuthenticatedUserKey: StorageKey {
    typealias Value = UUID
}
