import CompeteCore
import Foundation
import Testing

@Suite struct LoginThrottleTests {
    @Test func blocksAfterTheLimitUntilTheWindowEnds() async {
        let limiter = InMemoryLoginRateLimiter(policy: LoginThrottlePolicy(maxFailures: 3, window: 60))
        let start = Date(timeIntervalSince1970: 1_000)
        for second in 0..<3 {
            #expect(await limiter.blockedFor("k", now: start.addingTimeInterval(Double(second))) == nil)
            await limiter.recordFailure("k", now: start.addingTimeInterval(Double(second)))
        }
        #expect(await limiter.blockedFor("k", now: start.addingTimeInterval(10)) == 50)
        #expect(await limiter.blockedFor("other", now: start.addingTimeInterval(10)) == nil)
        #expect(await limiter.blockedFor("k", now: start.addingTimeInterval(60)) == nil)
    }

    @Test func successResets() async {
        let limiter = InMemoryLoginRateLimiter(policy: LoginThrottlePolicy(maxFailures: 2, window: 60))
        let now = Date()
        await limiter.recordFailure("k", now: now)
        await limiter.reset("k")
        await limiter.recordFailure("k", now: now)
        #expect(await limiter.blockedFor("k", now: now) == nil)
    }
}
