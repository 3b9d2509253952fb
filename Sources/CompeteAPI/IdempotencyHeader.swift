import CompeteCore
import Vapor

extension Request {
    static let idempotencyKeyHeader = "Idempotency-Key"

    /// The request's `Idempotency-Key` header (at most one), with the request's fingerprint;
    /// nil without one.
    func idempotencyCall() throws -> IdempotencyCall? {
        let values = headers[Self.idempotencyKeyHeader]
        guard values.count <= 1 else { throw DomainError.idempotencyKeyInvalid }
        return try idempotencyCall(key: values.first)
    }

    /// An idempotency key sent some other way (the web UI posts it as a form field), with this
    /// request's fingerprint; nil without one.
    public func idempotencyCall(key raw: String?) throws -> IdempotencyCall? {
        guard let raw else { return nil }
        do {
            return IdempotencyCall(key: try IdempotencyKey(header: raw), fingerprint: IdempotencyFingerprint.of(self))
        } catch {
            DomainMetrics.idempotency(.invalid)
            throw error
        }
    }
}

/// Method, path with query, and body: a key reused for anything else is refused.
enum IdempotencyFingerprint {
    static func of(_ request: Request) -> String {
        of(
            method: request.method.rawValue, path: request.url.path, query: request.url.query,
            body: request.body.data.map { Array($0.readableBytesView) } ?? []
        )
    }

    static func of(method: String, path: String, query: String?, body: [UInt8]) -> String {
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
