import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A minimal browser for page-level tests: keeps cookies, never follows redirects, and reads
/// the CSRF token from the last page's forms.
final class WebClient: @unchecked Sendable {
    private(set) var cookies: [String: String] = [:]
    private(set) var lastPage = ""
    let base: String

    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    init(base: String) {
        self.base = base
    }

    var csrf: String? {
        guard let range = lastPage.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) else { return nil }
        return lastPage[range].split(separator: "\"").dropFirst(3).first.map(String.init)
    }

    func hidden(_ name: String) -> String? {
        guard let range = lastPage.range(of: #"name="\#(name)" value="([^"]+)""#, options: .regularExpression) else { return nil }
        return lastPage[range].split(separator: "\"").dropFirst(3).first.map(String.init)
    }

    @discardableResult
    func get(_ path: String, timeout: TimeAmount = .seconds(30)) async throws -> APIResponse {
        try await send(.GET, path, form: nil, timeout: timeout)
    }

    /// Posts a form; the page's CSRF token is added unless `csrf` says otherwise.
    @discardableResult
    func post(
        _ path: String, _ fields: [String: String] = [:], csrf token: String?? = .none, timeout: TimeAmount = .seconds(30)
    ) async throws -> APIResponse {
        var fields = fields
        switch token {
        case .none: if let csrf { fields["_csrf"] = csrf }
        case .some(let explicit?): fields["_csrf"] = explicit
        case .some(.none): break
        }
        return try await send(.POST, path, form: fields, timeout: timeout)
    }

    /// Sets (or, with nil, drops) a cookie as a browser holding it would send it.
    func setCookie(_ name: String, _ value: String?) {
        cookies[name] = value
    }

    private func send(_ method: HTTPMethod, _ path: String, form: [String: String]?, timeout: TimeAmount = .seconds(30)) async throws -> APIResponse {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if !cookies.isEmpty {
            request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        if let form {
            var components = URLComponents()
            components.queryItems = form.map { URLQueryItem(name: $0.key, value: $0.value) }
            let body = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await Self.client.execute(request, timeout: timeout)
        var buffer = try await response.body.collect(upTo: 4 * 1024 * 1024)
        for header in response.headers["Set-Cookie"] {
            let pair = header.split(separator: ";").first ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { continue }
            if parts[1].isEmpty || header.lowercased().contains("max-age=0") { cookies[parts[0]] = nil } else { cookies[parts[0]] = parts[1] }
        }
        let result = APIResponse(status: Int(response.status.code), headers: response.headers,
                                 body: buffer.readBytes(length: buffer.readableBytes) ?? [])
        if method == .GET { lastPage = result.text }
        return result
    }
}
