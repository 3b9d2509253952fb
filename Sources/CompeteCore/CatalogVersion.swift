import Synchronization

/// A number that moves on after every write that may have changed a competition as the public
/// reads show it (content, seat and waitlist counts). Answers computed at one version are still
/// right at the same version, except for the passing of time (a deadline going by), which a
/// cache bounds with its own expiry.
///
/// On SQLite this process is the database's only writer and the version is always `serving`.
/// On PostgreSQL other instances write too: the store moves the version on when they say so
/// (a notification), and stops serving while it cannot hear them (its listening connection is
/// down), since then no number would be trustworthy.
public final class CatalogVersion: Sendable {
    private let value = Atomic<UInt64>(0)
    private let serving: Atomic<Bool>

    /// `serving`: whether answers may be kept from the start (false until a listener is up).
    public init(serving: Bool = true) {
        self.serving = Atomic(serving)
    }

    /// The version now, or nil while answers must not be kept or served.
    public var current: UInt64? {
        guard serving.load(ordering: .acquiring) else { return nil }
        return value.load(ordering: .acquiring)
    }

    /// Call after the write is committed (or rolled back): an answer computed meanwhile may
    /// predate it, and carries the old number.
    public func advance() {
        value.add(1, ordering: .releasing)
    }

    /// Stops serving: writes may be going by unheard.
    public func suspend() {
        serving.store(false, ordering: .releasing)
    }

    /// Serves again, at a new number: whatever was kept before may predate writes that went by
    /// unheard.
    public func resume() {
        advance()
        serving.store(true, ordering: .releasing)
    }
}
