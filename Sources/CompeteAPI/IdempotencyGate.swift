import CompeteCore
import NIOConcurrencyHelpers
import Vapor

/// Runs a creating request under its `Idempotency-Key`, if it has one: replays a finished
/// outcome, refuses reuse and concurrent duplicates, and otherwise lets the work store its
/// outcome in its own transaction through a `ResponseRecorder`.
struct IdempotencyGate: Sendable {
    let service: IdempotencyService

    static let header = "Idempotency-Key"

    /// Uses the request's `Idempotency-Key` header.
    func run<Value: Sendable>(
        _ request: Request, principal: Principal,
        render: @escaping @Sendable (Result<Value, DomainError>) -> StoredResponse,
        _ work: (ResponseRecorder<Value>?) async throws -> Value
    ) async throws -> Response {
        let values = request.headers[Self.header]
        guard values.count <= 1 else { throw DomainError.idempotencyKeyInvalid }
        return try await run(request, principal: principal, key: values.first, render: render, work)
    }

    /// Uses the given key (the web UI sends it as a form field).
    func run<Value: Sendable>(
        _ request: Request, principal: Principal, key raw: String?,
        render: @escaping @Sendable (Result<Value, DomainError>) -> StoredResponse,
        _ work: (ResponseRecorder<Value>?) async throws -> Value
    ) async throws -> Response {
        guard let raw else {
            return .stored(render(.success(try await work(nil))))
        }
        let key: IdempotencyKey
        do {
            key = try IdempotencyKey(header: raw)
        } catch {
            DomainMetrics.idempotency("invalid")
            throw error
        }
        let idempotent = IdempotencyRequest(userId: principal.userId, key: key, fingerprint: Self.fingerprint(request))

        switch try await begin({ try await service.beginDeferringClaim(idempotent) }) {
        case .replay(let stored):
            return replayed(stored)
        case .started(let lease):
            return try await perform(lease, render: render, work)
        case .unclaimed(let lease):
            do {
                return try await perform(lease, render: render, work)
            } catch DomainError.idempotencyRequestInProgress {
                // Another request claimed the key while ours ran, and ours rolled back: answer
                // exactly as if that one had claimed it before we started.
                switch try await begin({ try await service.begin(idempotent) }) {
                case .replay(let stored): return replayed(stored)
                case .started(let lease), .unclaimed(let lease): return try await perform(lease, render: render, work)
                }
            }
        }
    }

    /// Counts refusals of the key by kind.
    private func begin(_ start: () async throws -> IdempotencyStart) async throws -> IdempotencyStart {
        do {
            return try await start()
        } catch DomainError.idempotencyKeyReused {
            DomainMetrics.idempotency("reused")
            throw DomainError.idempotencyKeyReused
        } catch let DomainError.idempotencyRequestInProgress(seconds) {
            DomainMetrics.idempotency("in_progress")
            throw DomainError.idempotencyRequestInProgress(retryAfterSeconds: seconds)
        }
    }

    private func replayed(_ stored: StoredResponse) -> Response {
        DomainMetrics.idempotency("replayed")
        return .stored(stored, replayed: true)
    }

    /// Runs the work under `lease`; its transaction stores the outcome through the recorder.
    private func perform<Value: Sendable>(
        _ lease: IdempotencyLease,
        render: @escaping @Sendable (Result<Value, DomainError>) -> StoredResponse,
        _ work: (ResponseRecorder<Value>?) async throws -> Value
    ) async throws -> Response {
        DomainMetrics.idempotency("started")
        // Remembers what the work's transaction stored, so the first answer is the same bytes.
        let recorded = NIOLockedValueBox<(error: DomainError?, response: StoredResponse)?>(nil)
        let recorder = ResponseRecorder<Value>(lease: lease) { result in
            let response = render(result)
            let error: DomainError? = if case .failure(let e) = result { e } else { nil }
            recorded.withLockedValue { $0 = (error, response) }
            return response
        }
        do {
            let value = try await work(recorder)
            try? await service.finished(lease)
            return .stored(recorded.withLockedValue { $0?.response } ?? render(.success(value)))
        } catch {
            // A business outcome (e.g. competition_full) committed with the key: answer it.
            if let outcome = recorded.withLockedValue({ $0 }), let domain = error as? DomainError, outcome.error == domain {
                try? await service.finished(lease)
                return .stored(outcome.response)
            }
            // Rejected before it started, or failed unexpectedly: nothing stored, key freed.
            try? await service.release(lease)
            throw error
        }
    }

    /// Method, path with query, and body: a key reused for anything else is refused.
    static func fingerprint(_ request: Request) -> String {
        fingerprint(
            method: request.method.rawValue, path: request.url.path, query: request.url.query,
            body: request.body.data.map { Array($0.readableBytesView) } ?? []
        )
    }

    static func fingerprint(method: String, path: String, query: String?, body: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("\(method) \(path)?\(query ?? "")\n".utf8))
        hasher.update(data: body)
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in hasher.finalize() {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension Problem {
    /// Renders a result for storage: the value as JSON with `status`, a domain error as a problem.
    static func render<Value, Body: Encodable & SendableMetatype>(
        status: HTTPResponseStatus, _ body: @escaping @Sendable (Value) -> Body
    ) -> @Sendable (Result<Value, DomainError>) -> StoredResponse {
        { result in
            switch result {
            case .success(let value):
                StoredResponse(status: Int(status.code), contentType: "application/json", body: APIJSON.encode(body(value)))
            case .failure(let error):
                Problem(error).stored
            }
        }
    }
}
