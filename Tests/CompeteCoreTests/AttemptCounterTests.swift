@testable import CompeteCore
import Foundation
import Testing

@Suite struct AttemptCounterTests {
    let start = Date(timeIntervalSince1970: 1_000)

    @Test func countsWithinTheWindowThenStartsOver() {
        let counter = InMemoryAttemptCounter()
        let counts = (0..<3).map { counter.hit([("k", 60)], now: start.addingTimeInterval(Double($0)))[0] }
        #expect(counts.map(\.count) == [1, 2, 3])
        #expect(counts[2].retryAfterSeconds == 58)
        #expect(counter.hit([("other", 60)], now: start)[0].count == 1)
        #expect(counter.hit([("k", 60)], now: start.addingTimeInterval(60))[0] == AttemptCount(count: 1, retryAfterSeconds: 60))
    }

    @Test func refundAndReset() {
        let counter = InMemoryAttemptCounter()
        _ = counter.hit([("a", 60), ("b", 60)], now: start)
        counter.refund(["a", "missing"])
        counter.reset("b")
        #expect(counter.hit([("a", 60), ("b", 60)], now: start).map(\.count) == [1, 1])
        #expect(counter.count == 2, "a refund never creates a key")
    }

    /// The map never holds more than its capacity: expired windows go first, then the oldest.
    @Test func theMapIsBounded() {
        let counter = InMemoryAttemptCounter(capacity: 100)
        for index in 0..<50 { _ = counter.hit([("old-\(index)", 10)], now: start) }
        for index in 0..<1_000 { _ = counter.hit([("new-\(index)", 60)], now: start.addingTimeInterval(20)) }
        #expect(counter.count <= 100)
        #expect(counter.hit([("new-999", 60)], now: start.addingTimeInterval(20))[0].count == 2, "the newest survive")
    }

    @Test func spendingRefusesOverTheBudgetAndRefundsTheOthers() async throws {
        let counter = InMemoryAttemptCounter()
        let limiter = RateLimiter(counter: counter, limits: RateLimits())
        let tight = Budget(limit: 1, window: 60), loose = Budget(limit: 100, window: 60)
        try await limiter.spend([(.loginAddress(client: "a"), tight), (.signupAddress(client: "a"), loose)], now: start)
        await #expect(throws: DomainError.rateLimited(retryAfterSeconds: 60)) {
            try await limiter.spend([(.loginAddress(client: "a"), tight), (.signupAddress(client: "a"), loose)], now: start)
        }
        #expect(counter.hit([("signup-address:a", 60)], now: start)[0].count == 2, "the refused attempt was refunded")
    }
}

@Suite struct TextRulesTests {
    @Test(arguments: ["\u{202E}", "\u{202A}", "\u{2066}", "\u{2069}", "\u{200B}", "\u{FEFF}", "\u{00AD}", "\u{0}", "\u{1B}", "\u{85}", "\u{7F}"])
    func refusesControlAndFormatCharacters(_ character: String) {
        #expect(Text.hasControlCharacters("a\(character)b", allowing: Text.multiLine))
        #expect(Credentials.isImpossiblePassword("password\(character)1"))
        #expect(!Credentials.isPlausibleEmail("a\(character)b@example.com"))
    }

    @Test func keepsWhatReadableTextNeeds() {
        #expect(!Text.hasControlCharacters("👩‍💻 می‌خواهم", allowing: Text.joiners))
        #expect(!Text.hasControlCharacters("line\nbreak\ttab\r", allowing: Text.multiLine))
        #expect(Text.hasControlCharacters("line\nbreak", allowing: Text.joiners))
    }
}
