import CompeteCore
import Foundation
import Metrics
import NIOConcurrencyHelpers
import Vapor

/// Finished answers of the public competition reads (the list and one competition), keyed by
/// path and query, kept while the catalog version they were computed at is still current and
/// for at most `ttl` (the expiry bounds what only time changes: a deadline going by turns a
/// competition from open to closed). Without a catalog version, while it is not serving (on
/// PostgreSQL: this instance cannot hear the others' writes) or with a zero `ttl` every request
/// is computed.
public struct ReadCache: Sendable {
    private struct Entry {
        let version: UInt64
        let computedAt: Date
        let response: StoredResponse
    }

    private let version: CatalogVersion?
    private let ttl: TimeInterval
    private let now: @Sendable () -> Date
    private struct Entries {
        var byKey: [String: Entry] = [:]
        var bytes = 0
    }

    private let entries = NIOLockedValueBox(Entries())
    /// Distinct answers kept at once, and their bodies' total size; past either the cache starts
    /// over (searches are free text, so the keys are unbounded; a page of long descriptions is
    /// large).
    static let capacity = 1_000
    static let maxBytes = 8 << 20

    public init(version: CatalogVersion?, ttl: TimeInterval, now: @escaping @Sendable () -> Date) {
        self.version = ttl > 0 ? version : nil
        self.ttl = ttl
        self.now = now
    }

    /// The kept answer under `key`, or `compute`'s, kept when it is a 200. Callers build the key
    /// from what they parsed (never the raw URL), so parameters the API does not know cannot
    /// create entries.
    func answer(key: String, _ compute: () async throws -> StoredResponse) async throws -> StoredResponse {
        guard let current = version?.current else { return try await compute() }
        let now = now()
        if let entry = entries.withLockedValue({ $0.byKey[key] }), entry.version == current,
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
                let size = response.body.count
                if let old = entries.byKey[key] {
                    entries.bytes -= old.response.body.count
                } else if entries.byKey.count >= Self.capacity {
                    entries = Entries()
                }
                if entries.bytes + size > Self.maxBytes { entries = Entries() }
                guard size <= Self.maxBytes else { return }
                entries.byKey[key] = Entry(version: current, computedAt: now, response: response)
                entries.bytes += size
            }
        }
        return response
    }

    /// Whether answers are kept and served now (for tests: on PostgreSQL only while this
    /// instance hears the others).
    var isServing: Bool {
        version?.current != nil
    }

    /// The kept answers and their bodies' total size (for tests).
    var usage: (count: Int, bytes: Int) {
        entries.withLockedValue { ($0.byKey.count, $0.bytes) }
    }

    private static let hits = Counter(label: "read_cache_requests_total", dimensions: [("outcome", "hit")])
    private static let misses = Counter(label: "read_cache_requests_total", dimensions: [("outcome", "miss")])

    /// Declares the counters at zero.
    static func declareMetrics() {
        _ = (hits, misses)
    }
}
