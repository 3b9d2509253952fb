import CompeteJobs
import CompeteWeb
import Foundation
import ServiceLifecycle
import Vapor

extension MiniCompete {
    /// The services of `roles`, ordered for shutdown (see ``RoleServices``).
    public func services(for roles: Set<ProcessRole>) -> RoleServices {
        let logger = app.logger
        var ordered: [any Service] = []
        if roles.contains(.api), let catalogFeed {
            ordered.append(CatalogFeedService(feed: catalogFeed))
        }
        if roles.contains(.janitor) {
            let (idempotency, queue, now, retention) = (services.idempotency, queue, effects.now, config.jobRetention)
            let (webhooks, webhookRetention) = (webhookQueue, config.webhooks.retention)
            ordered.append(background("janitor", every: .seconds(600)) {
                let keys = try await idempotency.purgeExpired()
                if keys > 0 { logger.info("purged expired idempotency keys", metadata: ["count": "\(keys)"]) }
                let jobs = try await queue.purgeCompleted(before: now().addingTimeInterval(-retention))
                if jobs > 0 { logger.info("purged completed jobs", metadata: ["count": "\(jobs)"]) }
                let deliveries = try await webhooks.purge(before: now().addingTimeInterval(-webhookRetention))
                if deliveries > 0 { logger.info("purged finished webhook deliveries", metadata: ["count": "\(deliveries)"]) }
                return false
            })
        }
        if roles.contains(.scheduler) {
            let scheduler = self.scheduler
            let teams = services.teams
            ordered.append(background("reminder scheduler", every: .milliseconds(Int(config.reminderInterval * 1000))) {
                let scheduled = try await scheduler.tick()
                if scheduled > 0 { logger.info("reminders scheduled", metadata: ["count": "\(scheduled)"]) }
                let cancelled = try await teams.sweepDeadlines()
                if cancelled > 0 { logger.info("incomplete teams cancelled at the deadline", metadata: ["count": "\(cancelled)"]) }
                return false
            })
        }
        if roles.contains(.worker) {
            let worker = makeWorker(name: "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)")
            ordered.append(background("worker", every: .milliseconds(Int(config.workerPollInterval * 1000))) {
                try await worker.tick() > 0
            })
            // Webhooks in a lane of their own: a slow receiver never holds up the emails.
            let lane = makeWebhookLane(name: "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)")
            ordered.append(BackgroundService(name: "webhook lane", repeater: lane, logger: logger))
        }
        let web = roles.contains(.web) ? WebServer(
            app: app, services: services,
            options: WebOptions(secureCookies: config.secureCookies, sessionTTL: config.jwtTTL, csrfKey: csrfKey),
            host: config.host, port: config.webPort
        ) : nil
        let api = roles.contains(.api) ? APIServer(app: app, host: config.host, port: config.apiPort) : nil
        ordered += [web as (any Service)?, api].compactMap { $0 }
        return RoleServices(api: api, web: web, ordered: ordered)
    }

    private func background(
        _ name: String, every interval: Duration, _ round: @escaping @Sendable () async throws -> Bool
    ) -> BackgroundService {
        BackgroundService(
            name: name, repeater: Repeater(name: name, interval: interval, logger: app.logger, round), logger: app.logger
        )
    }
}

extension MiniCompete {
    /// Runs `roles` until SIGTERM or SIGINT, then stops them in order (see ``RoleServices``).
    /// The caller shuts the application down afterwards, which closes what the roles shared.
    public func run(_ roles: Set<ProcessRole>) async throws {
        try await app.asyncBoot()
        try await services(for: roles).group(stopOnSignals: true, logger: app.logger).run()
        app.logger.notice("all roles stopped; closing the database and Redis connections")
    }
}
