import CompeteCore
import Foundation
import NIOConcurrencyHelpers

/// Tokens whose signature and claims this process has checked already, with what they carry:
/// a client sends the same token with every request, and checking it again (base64, the
/// header's JSON, HMAC, the payload's JSON) was a tenth of a registration's server CPU. An entry
/// is used only until the token's own expiry; logging out is checked on every request anyway
/// (`TokenRevocations`), so nothing a cached entry skips can have changed.
final class VerifiedTokens: Sendable {
    struct Entry: Sendable {
        let principal: Principal
        let expiresAt: Date
    }

    /// Tokens kept at once; past that the cache starts over (every signed-in user holds one).
    static let capacity = 10_000
    private let entries = NIOLockedValueBox([String: Entry]())

    /// The principal of a token checked before and not yet expired at `now`.
    func principal(of token: String, now: Date) -> Principal? {
        guard let entry = entries.withLockedValue({ $0[token] }), now < entry.expiresAt else { return nil }
        return entry.principal
    }

    func remember(_ token: String, _ entry: Entry) {
        entries.withLockedValue { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = entry
        }
    }
}
