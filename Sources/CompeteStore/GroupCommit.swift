import Foundation
import NIOConcurrencyHelpers

/// Group commit, per process: for each key (a competition) at most one write is in flight; what
/// arrives meanwhile waits, and the next write takes everything waiting (up to `maxBatch`) in
/// arrival order. There is no timer: a lone request is written at once and pays nothing, and
/// under a rush the batch is whatever arrived during the previous write — the longer a write
/// takes, the more the next one carries. `write` answers every member of its batch, in order.
final class GroupCommit<Member: Sendable, Outcome: Sendable>: Sendable {
    typealias Write = @Sendable ([Member]) async -> [Result<Outcome, any Error>]

    private struct Waiting {
        let member: Member
        let continuation: CheckedContinuation<Outcome, any Error>
    }

    /// A key is present while a write for it is in flight, with the members waiting behind it.
    private let lanes = NIOLockedValueBox<[UUID: [Waiting]]>([:])
    private let maxBatch: Int
    private let write: Write

    init(maxBatch: Int, write: @escaping Write) {
        self.maxBatch = maxBatch
        self.write = write
    }

    func submit(_ member: Member, to key: UUID) async throws -> Outcome {
        let alone = lanes.withLockedValue { lanes in
            guard lanes[key] == nil else { return false }
            lanes[key] = []
            return true
        }
        guard !alone else {
            // Nothing in flight for this key: written right away, in this task.
            let result = await writeAlone(member)
            next(key)
            return try result.get()
        }
        return try await withCheckedThrowingContinuation { continuation in
            let alone = lanes.withLockedValue { lanes in
                guard lanes[key] != nil else {
                    lanes[key] = []  // the write in flight ended meanwhile
                    return true
                }
                lanes[key, default: []].append(Waiting(member: member, continuation: continuation))
                return false
            }
            if alone {
                Task {
                    continuation.resume(with: await writeAlone(member))
                    next(key)
                }
            }
        }
    }

    private func writeAlone(_ member: Member) async -> Result<Outcome, any Error> {
        await write([member]).first ?? .failure(GroupCommitError.unanswered)
    }

    /// The write for `key` ended: starts the next batch, or marks nothing in flight.
    private func next(_ key: UUID) {
        let batch: [Waiting] = lanes.withLockedValue { lanes in
            guard let waiting = lanes[key], !waiting.isEmpty else {
                lanes[key] = nil
                return []
            }
            let batch = Array(waiting.prefix(maxBatch))
            lanes[key] = Array(waiting.dropFirst(batch.count))
            return batch
        }
        guard !batch.isEmpty else { return }
        // Everyone queued for this competition waits for this write: ahead of request work.
        Task(priority: .high) {
            let results = await write(batch.map(\.member))
            for (index, waiting) in batch.enumerated() {
                waiting.continuation.resume(with: index < results.count ? results[index] : .failure(GroupCommitError.unanswered))
            }
            next(key)
        }
    }
}

/// A write returned fewer answers than its batch had members (a bug, never expected).
enum GroupCommitError: Error {
    case unanswered
}
