import CompeteCore
import Foundation
import Vapor

/// The one JSON encoder and decoder of the API, so every response (and every idempotent
/// replay, rendered again from its stored outcome) is produced the same way.
enum APIJSON {
    static func encode(_ value: some Encodable) -> [UInt8] {
        if let writable = value as? any JSONWritable {
            var json = JSONWriter()
            writable.write(to: &json)
            return json.bytes
        }
        return foundationEncode(value)
    }

    /// Everything without a hand-written body, and the reference `JSONWriterTests` compares to.
    static func foundationEncode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        // Sorted: Foundation's encoder on Linux does not keep declaration order, and equal values
        // must give equal bytes (e.g. the two login failures that must be indistinguishable).
        // It costs CPU on big lists (docs/benchmarks.md), hence JSONWriter for the hot responses.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            // Our response types hold only strings, numbers, dates and arrays of them.
            preconditionFailure("response encoding failed: \(error)")
        }
    }

    /// Accepts RFC 3339 timestamps with or without fractional seconds and with any offset.
    static func parseDate(_ text: String) -> Date? {
        (try? Date(text, strategy: .iso8601))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }

    /// Decodes a request body into `T`. An empty body decodes as `{}`. Malformed JSON and
    /// mistyped fields become `validation_failed` with the offending field named.
    static func decodeBody<T: Decodable>(_ type: T.Type, from request: Request) throws -> T {
        var bytes: [UInt8] = [UInt8]("{}".utf8)
        if let body = request.body.data, body.readableBytes > 0 {
            bytes = Array(body.readableBytesView)
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseDate(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "must be an RFC 3339 timestamp such as 2026-12-01T18:00:00Z")
            }
            return date
        }
        do {
            return try decoder.decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw DomainError.validation([fieldError(error)])
        }
    }

    private static func fieldError(_ error: DecodingError) -> FieldError {
        func path(_ codingPath: [any CodingKey]) -> String {
            let names = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "body" : names.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty { return FieldError("body", "must be a JSON object") }
            return FieldError(path(context.codingPath), "has the wrong type (expected \(describe(type)))")
        case .valueNotFound(let type, let context):
            return FieldError(path(context.codingPath), "must not be null (expected \(describe(type)))")
        case .keyNotFound(let key, let context):
            return FieldError(path(context.codingPath + [key]), "is required")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return FieldError("body", "is not valid JSON") }
            return FieldError(path(context.codingPath), context.debugDescription.hasPrefix("must")
                ? context.debugDescription : "has an invalid value")
        @unknown default:
            return FieldError("body", "could not be read")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "string"
        case is Int.Type, is Double.Type: "number"
        case is Bool.Type: "boolean"
        case is Date.Type: "RFC 3339 timestamp string"
        default: type is any Collection.Type ? "array" : "object"
        }
    }
}

/// A rendered answer kept in memory (the read cache) and sent as it is.
struct StoredResponse: Sendable, Equatable {
    let status: Int
    let contentType: String
    let body: [UInt8]
}

extension StoredResponse {
    /// A JSON answer with the API's encoder.
    static func json(_ value: some Encodable, status: HTTPResponseStatus = .ok) -> StoredResponse {
        StoredResponse(status: Int(status.code), contentType: "application/json", body: APIJSON.encode(value))
    }
}

extension Response {
    /// A JSON response with the API's encoder.
    static func json(_ value: some Encodable, status: HTTPResponseStatus = .ok) -> Response {
        stored(.json(value, status: status))
    }

    /// Sends a kept response exactly as rendered.
    static func stored(_ stored: StoredResponse) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: stored.contentType == "application/json" ? "json" : "problem+json", parameters: ["charset": "utf-8"])
        return Response(status: .init(statusCode: stored.status), headers: headers, body: .init(data: Data(stored.body)))
    }
}
