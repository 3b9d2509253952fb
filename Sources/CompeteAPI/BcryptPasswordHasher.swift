import CompeteCore
import Vapor

/// Bcrypt on its own bounded pool (``PasswordHashingPool``), never on an event loop nor on the
/// thread pool SQLite uses.
public struct BcryptPasswordHasher: CompeteCore.PasswordHasher {
    let pool: PasswordHashingPool
    let cost: Int

    public init(pool: PasswordHashingPool, cost: Int) {
        self.pool = pool
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await pool.run { try Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await pool.run { (try? Bcrypt.verify(password, created: hash)) ?? false }
    }
}
