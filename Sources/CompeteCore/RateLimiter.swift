import Foundation

/// The counters the services spend budgets on; keys say who pays.
public struct RateLimiter: Sendable {
    let counter: any AttemptCounter
    public let limits: RateLimits

    public init(counter: any AttemptCounter, limits: RateLimits) {
        self.counter = counter
        self.limits = limits
    }

    /// Who a budget belongs to. Client addresses come from the HTTP layer, already reduced to
    /// what one client controls (an IPv6 /64).
    enum Key {
        case loginAccount(email: String, client: String)
        case loginAddress(client: String)
        case signupAddress(client: String)
        case registrations(userId: UUID)

        var name: String {
            switch self {
            case .loginAccount(let email, let client): "login:\(email)|\(client)"
            case .loginAddress(let client): "login-address:\(client)"
            case .signupAddress(let client): "signup-address:\(client)"
            case .registrations(let userId): "register:\(userId.uuidString.lowercased())"
            }
        }
    }

    /// Counts one attempt on every budget and throws `rateLimited` when any is exhausted (with
    /// the longest wait among them). The budgets that still had room get their attempt back, so
    /// a refused attempt is paid for only by the budget that refused it.
    func spend(_ budgets: [(Key, Budget)], now: Date) async throws {
        let counts = await counter.hit(budgets.map { ($0.0.name, $0.1.window) }, now: now)
        var refused: Int?
        var untouched: [String] = []
        for ((key, budget), count) in zip(budgets, counts) {
            if count.count > budget.limit {
                refused = max(refused ?? 1, count.retryAfterSeconds)
            } else {
                untouched.append(key.name)
            }
        }
        guard let wait = refused else { return }
        if !untouched.isEmpty { await counter.refund(untouched) }
        throw DomainError.rateLimited(retryAfterSeconds: wait)
    }

    func refund(_ keys: [Key]) async {
        await counter.refund(keys.map(\.name))
    }

    func reset(_ key: Key) async {
        await counter.reset(key.name)
    }
}
