import CompeteCore
import Vapor

/// Bcrypt on the thread pool, never on an event loop.
public struct BcryptPasswordHasher: CompeteCore.PasswordHasher {
    let threadPool: NIOThreadPool
    let cost: Int

    public init(threadPool: NIOThreadPool, cost: Int) {
        self.threadPool = threadPool
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await threadPool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await threadPool.runIfActive { (try? Bcrypt.verify(password, created: hash)) ?? false }
    }
}
