import Synchronization

/// A number that moves on after every write that may have changed a competition as the public
/// reads show it (content, seat and waitlist counts). Only a store that sees every such write
/// hands one out: the embedded SQLite mode, where this process is the database's only writer.
/// Answers computed at one version are still right at the same version, except for the
/// passing of time (a deadline going by), which a cache bounds with its own expiry.
public final class CatalogVersion: Sendable {
    private let value = Atomic<UInt64>(0)

    public init() {}

    public var current: UInt64 { value.load(ordering: .acquiring) }

    /// Call after the write is committed (or rolled back): an answer computed meanwhile may
    /// predate it, and carries the old number.
    public func advance() {
        value.add(1, ordering: .releasing)
    }
}
