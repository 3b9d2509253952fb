import CompeteCore
import Foundation

/// The kinds of background work. The raw values are the queue's job type names.
public enum JobType: String, Sendable, CaseIterable {
    case registrationConfirmation = "registration:confirmation"
    case registrationCancellation = "registration:cancellation"
    case registrationPromotion = "registration:promotion"
    /// Registered where the organizer approves each entry: "we'll let you know".
    case registrationPending = "registration:pending"
    /// Approved, but every seat was taken: a place on the waitlist.
    case registrationWaitlisted = "registration:waitlisted"
    case registrationDeclined = "registration:declined"
    case reminderNotify = "reminder:notify"
}

/// A claimed job. `attempts` counts this attempt; `claimToken` proves the claim, so a worker whose
/// lease ran out cannot finish a job someone else has claimed since.
public struct Job: Sendable, Equatable {
    public let id: UUID
    public let type: String
    public let payload: String
    public let attempts: Int
    public let claimToken: UUID
    public let createdAt: Date

    public init(id: UUID, type: String, payload: String, attempts: Int, claimToken: UUID, createdAt: Date) {
        self.id = id
        self.type = type
        self.payload = payload
        self.attempts = attempts
        self.claimToken = claimToken
        self.createdAt = createdAt
    }
}

/// What every registration-related job carries.
public struct RegistrationJobPayload: Codable, Sendable, Equatable {
    public let registrationId: UUID
    public let competitionId: UUID
    public let userId: UUID
    /// Which reminder (`24h`, `1h`) a `reminder:notify` job is.
    public let reminder: String?

    public init(registrationId: UUID, competitionId: UUID, userId: UUID, reminder: String? = nil) {
        self.registrationId = registrationId
        self.competitionId = competitionId
        self.userId = userId
        self.reminder = reminder
    }
}

/// A job that can never succeed (unknown type, unreadable payload): it goes straight to the
/// dead-letter store instead of being retried.
public struct PermanentJobFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A job that exhausted its attempts, kept with everything needed to understand and retry it.
public struct DeadLetter: Sendable, Equatable {
    public let jobId: UUID
    public let type: String
    public let payload: String
    public let attempts: Int
    public let lastError: String
    public let createdAt: Date
    public let failedAt: Date

    public init(jobId: UUID, type: String, payload: String, attempts: Int, lastError: String, createdAt: Date, failedAt: Date) {
        self.jobId = jobId
        self.type = type
        self.payload = payload
        self.attempts = attempts
        self.lastError = lastError
        self.createdAt = createdAt
        self.failedAt = failedAt
    }
}

/// Job counts by state.
public struct QueueStats: Sendable, Equatable, Codable {
    public var outbox: Int
    public var waiting: Int
    public var active: Int
    public var completed: Int
    public var dead: Int

    public init(outbox: Int = 0, waiting: Int = 0, active: Int = 0, completed: Int = 0, dead: Int = 0) {
        self.outbox = outbox
        self.waiting = waiting
        self.active = active
        self.completed = completed
        self.dead = dead
    }
}
