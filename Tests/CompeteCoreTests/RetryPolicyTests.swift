import CompeteJobs
import Testing

@Suite struct RetryPolicyTests {
    @Test func growsExponentiallyUpToTheCap() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: 2, factor: 2, maxDelay: 20, jitter: 0)
        #expect((1...6).map { policy.delay(afterAttempt: $0, random: 0.9) } == [2, 4, 8, 16, 20, 20])
    }

    @Test func jitterOnlyShortensWithinItsFraction() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: 10, factor: 2, maxDelay: 300, jitter: 0.25)
        #expect(policy.delay(afterAttempt: 2, random: 0) == 20)
        #expect(policy.delay(afterAttempt: 2, random: 0.999) > 15)
        #expect(policy.delay(afterAttempt: 2, random: 0.5) == 17.5)
    }
}
