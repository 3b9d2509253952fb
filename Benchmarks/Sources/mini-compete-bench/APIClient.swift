import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The answer to one request: status and body bytes (bodies are small here).
struct APIResponse: Sendable {
    let status: Int
    let body: ByteBuffer

    /// The problem+json `code` of an error answer, if it has one.
    var problemCode: String? {
        struct Problem: Decodable { let code: String? }
        return (try? JSONDecoder().decode(Problem.self, from: Data(body.readableBytesView)))?.code
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(body.readableBytesView))
    }
}

/// A failed expectation while setting up or verifying, with the server's answer.
struct BenchError: Error, CustomStringConvertible {
    let description: String
}

/// Keep-alive HTTP/1.1 to the server under test, with one pooled connection per concurrent
/// worker so that no request waits for a connection.
struct APIClient: Sendable {
    let http: HTTPClient
    let base: String

    init(base: String, connections: Int) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: connections
        )
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(60))
        configuration.httpVersion = .http1Only
        configuration.decompression = .disabled
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    func shutdown() async throws {
        try await http.shutdown()
    }

    /// Builds a request for `path` under `/api`.
    func request(
        _ method: HTTPMethod, _ path: String, token: String? = nil, headers extra: [(String, String)] = [],
        json: (any Encodable)? = nil
    ) throws -> HTTPClientRequest {
        var request = HTTPClientRequest(url: base + "/api" + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let json {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try encoder.encode(json)))
        }
        return request
    }

    /// Sends `request` and reads the whole body.
    func send(_ request: HTTPClientRequest) async throws -> APIResponse {
        let response = try await http.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 16 << 20)
        return APIResponse(status: Int(response.status.code), body: body)
    }

    /// Sends and insists on `status`, decoding the body as `T`.
    func expect<T: Decodable>(_ status: Int, _ request: HTTPClientRequest, as type: T.Type) async throws -> T {
        let response = try await send(request)
        guard response.status == status else {
            throw BenchError(description: "\(request.method) \(request.url): expected \(status), got \(response.status) "
                + String(buffer: response.body).prefix(300))
        }
        return try response.decode(type)
    }
}
