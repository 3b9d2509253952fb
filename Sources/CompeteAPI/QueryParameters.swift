import Vapor

/// A request's query string, decoded once (`+` as a space, percent escapes), first value of a
/// name wins. Reading parameters through `req.query[String.self, at:]` decodes the whole query
/// again for every name, which the competition list — served from memory — paid five times
/// per request (docs/benchmarks.md, run 7).
struct QueryParameters {
    private var values: [Substring: String] = [:]

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0]
            guard values[name] == nil else { continue }
            let raw = parts.count > 1 ? parts[1] : ""
            values[name] = String(raw).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(raw)
        }
    }

    subscript(_ name: String) -> String? {
        values[Substring(name)]
    }
}

extension Request {
    /// The query string's parameters, decoded once.
    var queryParameters: QueryParameters { QueryParameters(url.query) }
}
