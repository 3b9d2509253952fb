import Synchronization

/// Hands out indices 0..<count to workers, each index once.
final class IndexDispenser: Sendable {
    private let next = Atomic<Int>(0)
    let count: Int

    init(count: Int) {
        self.count = count
    }

    /// The next unclaimed index, or nil when all are taken.
    func take() -> Int? {
        let index = next.add(1, ordering: .relaxed).oldValue
        return index < count ? index : nil
    }
}

/// Runs `body` for every index in 0..<count with at most `concurrency` running at once and
/// returns the results in index order. Used for setup, not for measuring.
func parallelMap<T: Sendable>(
    _ count: Int, concurrency: Int, _ body: @escaping @Sendable (Int) async throws -> T
) async throws -> [T] {
    let dispenser = IndexDispenser(count: count)
    return try await withThrowingTaskGroup(of: [(Int, T)].self) { group in
        for _ in 0..<min(concurrency, max(count, 1)) {
            group.addTask {
                var done: [(Int, T)] = []
                while let index = dispenser.take() { done.append((index, try await body(index))) }
                return done
            }
        }
        var results = [T?](repeating: nil, count: count)
        for try await batch in group {
            for (index, value) in batch { results[index] = value }
        }
        return results.compactMap { $0 }
    }
}
