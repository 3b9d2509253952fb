import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import SQLKit

/// Tells the other instances on the same PostgreSQL database that this one has committed a
/// write the public reads show (`CatalogFeed` hears it there): `SELECT pg_notify(channel,
/// instance)` as a statement of its own, sent after the write has ended. A NOTIFY inside the
/// write's transaction would take PostgreSQL's global notify lock at commit and serialise every
/// committing writer. At most one notification is in flight; writes that end meanwhile make
/// exactly one more follow it (it may have reached the database before they committed), sent
/// `spacing` after the one before: the first write after a quiet spell is announced at once,
/// and a stream of writes costs at most one notification per `spacing` per instance (measured:
/// one per round trip cost a tenth of a registration's server and database CPU under load).
final class CatalogNotifier: Sendable {
    /// The channel every instance of one database notifies and listens on.
    static let channel = "mini_compete_catalog"
    /// The least time between two notifications of one instance: how much later than its
    /// commit another instance may hear of a write made during a stream of writes.
    static let spacing: Duration = .milliseconds(20)

    /// This process's name in its notifications, so its listener can skip its own.
    let instance = UUID().uuidString
    private let sql: any SQLDatabase
    private let logger: Logger

    private struct State {
        var sending: Task<Void, Never>?
        var again = false
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    init(sql: any SQLDatabase, logger: Logger) {
        self.sql = sql
        self.logger = logger
    }

    /// A write that may have changed the public reads has ended (committed or not).
    func changed() {
        state.withLockedValue { state in
            guard !state.closed else { return }
            guard state.sending == nil else {
                state.again = true
                return
            }
            state.sending = Task { await self.sendWhileAsked() }
        }
    }

    /// Sends one notification, then one more as long as writes ended during the last one.
    private func sendWhileAsked() async {
        var first = true
        repeat {
            if !first { try? await Task.sleep(for: Self.spacing) }
            first = false
            do {
                // A NOTIFY assigns a transaction id, so its commit would wait for a WAL flush
                // of its own; it needs no durability (after a crash every listener reconnects
                // and starts over), so this statement's transaction alone skips the wait.
                try await sql.raw("""
                    SELECT set_config('synchronous_commit', 'off', true), pg_notify(\(bind: Self.channel), \(bind: instance))
                    """).run()
                Self.sent.increment()
            } catch {
                // The others' answers then live out their expiry (READ_CACHE_MS) at most.
                Self.failed.increment()
                logger.warning("could not notify the other instances of a catalog change", metadata: ["error": "\(error)"])
            }
        } while state.withLockedValue { state in
            guard state.again else {
                state.sending = nil
                return false
            }
            state.again = false
            return true
        }
    }

    /// Sends no more, after the one in flight (and the one owed after it) has gone.
    func shutdown() async {
        let sending = state.withLockedValue { state in
            state.closed = true
            return state.sending
        }
        await sending?.value
    }

    static let sent = Counter(label: "read_cache_notifications_total", dimensions: [("direction", "sent")])
    static let received = Counter(label: "read_cache_notifications_total", dimensions: [("direction", "received")])
    static let failed = Counter(label: "read_cache_notify_failures_total")
}
