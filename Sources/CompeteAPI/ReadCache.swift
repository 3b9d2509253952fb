import CompeteCore
import Foundation
import Metrics
import NIOConcurrencyHelpers
import Vapor

/// Finished answers of the public competition reads (the list and one competition), keyed by
/// path and query, kept while the catalog version they were computed at is still current and
/// for at most `ttl` (the expiry bounds what only time changes: a deadline going by turns a
/// competition from open to closed). Without a catalog version (PostgreSQL, where other
/// instances write too) or with a zero `ttl` every request is computed.
public struct ReadCache: Sendable {
    private struct Entry {
        let version: UInt64
        let computedAt: Date
        let response: StoredResponse
    }

    private let version: CatalogVersion?
    private let ttl: TimeInterval
    private let now: @Sendable () -> Date
    private let entries = NIOLockedValueBox<[String: Entry]>([:])
    /// Distinct paths and queries kept at once; past it the cache starts over (searches are
    /// free text, so the keys are unbounded).
    static let capacity = 1_000

    public init(version: CatalogVersion?, ttl: TimeInterval, now: @escaping @Sendable () -> Date) {
        self.version = ttl > 0 ? version : nil
        self.ttl = ttl
        self.now = now
    }

    /// The kept answer for the request's path and query, or `compute`'s, kept when it is a 200.
    func answer(_ req: Request, _ compute: () async throws -> StoredResponse) async throws -> Response {
        .stored(try await answer(key: req.url.string, compute))
    }

    func answer(key: String, _ compute: () async throws -> StoredResponse) async throws -> StoredResponse {
        guard let version else { return try await compute() }
        let now = now()
        let current = version.current
        if let entry = entries.withLockedValue({ $0[key] }), entry.version == current,
           abs(now.timeIntervalSince(entry.computedAt)) < ttl {
            Self.hits.increment()
            return entry.response
        }
        Self.misses.increment()
        // `current` was read before computing: a write committed meanwhile has moved the
        // version on, so an answer that may predate it is never served as current.
        let response = try await compute()
        if response.status == 200 {
            entries.withLockedValue { entries in
                if entries.count >= Self.capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
                entries[key] = Entry(version: current, computedAt: now, response: response)
            }
        }
        return response
    }

    private static let hits = Counter(label: "read_cache_requests_total", dimensions: [("outcome", "hit")])
    private static let misses = Counter(label: "read_cache_requests_total", dimensions: [("outcome", "miss")])
}
