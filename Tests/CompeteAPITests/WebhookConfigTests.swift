@testable import CompeteApp
import Foundation
import Testing

/// `WEBHOOK_*`: the defaults keep retrying for about a day, production refuses private targets.
struct WebhookConfigTests {
    @Test func defaultsRetryForAboutADay() throws {
        let config = try AppConfig.fromEnvironment([:]).webhooks
        #expect(config.timeout == 10 && config.lease == 15 && config.concurrency == 8 && config.allowPrivate)
        let policy = config.retryPolicy
        // The waits between the 22 attempts, at no jitter and at the most jitter.
        let longest = (1..<policy.maxAttempts).map { policy.delay(afterAttempt: $0, random: 0) }.reduce(0, +)
        let shortest = (1..<policy.maxAttempts).map { policy.delay(afterAttempt: $0, random: 0.999) }.reduce(0, +)
        #expect(longest > 22 * 3600 && longest < 26 * 3600, "\(longest / 3600) h")
        #expect(shortest > 18 * 3600, "\(shortest / 3600) h")
    }

    @Test func readsAndValidates() throws {
        let config = try AppConfig.fromEnvironment([
            "WEBHOOK_TIMEOUT_MS": "2500", "WEBHOOK_MAX_ATTEMPTS": "3", "WEBHOOK_BACKOFF_BASE_MS": "100",
            "WEBHOOK_BACKOFF_MAX_SECONDS": "1", "WEBHOOK_CONCURRENCY": "2", "WEBHOOK_RETENTION_DAYS": "7",
        ]).webhooks
        #expect(config.timeout == 2.5 && config.lease == 7.5 && config.maxAttempts == 3 && config.backoffBase == 0.1)
        #expect(config.backoffMax == 1 && config.concurrency == 2 && config.retention == 7 * 86400)
        for bad in [["WEBHOOK_TIMEOUT_MS": "0"], ["WEBHOOK_MAX_ATTEMPTS": "many"], ["WEBHOOK_CONCURRENCY": "0"],
                    ["WEBHOOK_ALLOW_PRIVATE": "perhaps"], ["WEBHOOK_BACKOFF_JITTER": "2"]] {
            #expect(throws: AppConfig.Invalid.self) { try AppConfig.fromEnvironment(bad) }
        }
    }

    @Test func productionRefusesPrivateTargetsUnlessAllowed() throws {
        #expect(try !AppConfig.fromEnvironment(["APP_ENV": "production"]).webhooks.allowPrivate)
        #expect(try AppConfig.fromEnvironment(["APP_ENV": "production", "WEBHOOK_ALLOW_PRIVATE": "true"]).webhooks.allowPrivate)
        #expect(try !AppConfig.fromEnvironment(["WEBHOOK_ALLOW_PRIVATE": "false"]).webhooks.allowPrivate)
    }
}
