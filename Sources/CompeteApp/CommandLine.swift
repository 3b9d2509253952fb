import Foundation
import Logging
import Vapor

/// `mini-compete [serve|api|worker|migrate|seed|jobs …|help]`. `serve` (the default) runs every
/// role in one process; `api` and `worker` run one role each, any number of them side by side.
public enum MiniCompeteCommand {
    static let usage = """
        usage: mini-compete [command]

          serve              migrate, seed an empty database, run the API, the web UI, the job
                             worker and the reminder scheduler in one process (default)
          api                the JSON API on API_PORT, with the reminder scheduler
          web                the web UI on WEB_PORT only
          worker             the job worker and reminder scheduler only (run as many as you like)
          migrate            apply database migrations and exit
          seed               apply migrations, load the demo data (idempotent) and exit
          jobs stats         job counts by state
          jobs failed        list dead-lettered jobs with their last error
          jobs retry ID…     re-queue dead-lettered jobs (or --all)
          help               show this text

        Configuration comes from environment variables; see .env.example.
        """

    public static func main(arguments: [String] = CommandLine.arguments) async -> Int32 {
        let command = arguments.dropFirst().first ?? "serve"
        let config: AppConfig
        do {
            config = try AppConfig.fromEnvironment()
        } catch {
            bootstrapLogging(.info, .text)
            Logger(label: "mini-compete").critical("invalid configuration: \(error)")
            return 1
        }
        bootstrapLogging(config.logLevel, config.logFormat)
        let logger = Logger(label: "mini-compete")

        switch command {
        case "serve", "api", "web", "worker", "migrate", "seed", "jobs":
            do {
                try await run(command, Array(arguments.dropFirst(2)), config: config)
                return 0
            } catch {
                logger.critical("mini-compete \(command) failed: \(error)")
                return 1
            }
        case "help", "--help", "-h":
            FileHandle.standardOutput.write(Data((usage + "\n").utf8))
            return 0
        default:
            FileHandle.standardError.write(Data(("unknown command '\(command)'\n\n" + usage + "\n").utf8))
            return 2
        }
    }

    private static func run(_ command: String, _ rest: [String], config: AppConfig) async throws {
        // This CLI dispatches its own commands; Vapor's command parsing is not used.
        let environment = Vapor.Environment(
            name: config.isProduction ? "production" : "development",
            arguments: [CommandLine.arguments.first ?? "mini-compete"]
        )
        let app = try await Application.make(environment)
        do {
            let system = try await MiniCompete.build(app, config: config)
            try await system.migrate()
            switch command {
            case "migrate":
                app.logger.info("migrations applied")
            case "seed":
                try await system.seed()
            case "jobs":
                try await JobsCommand.run(rest, system: system)
            case "worker", "web":
                if command == "web" { system.hostWeb() } else { system.host([.worker, .scheduler, .janitor]) }
                try await app.asyncBoot()
                let signal = await Signals.waitForTermination()
                app.logger.notice("\(command) stopping: finishing the work in hand", metadata: ["signal": "\(signal)"])
            case "api":
                system.host([.scheduler, .janitor])
                try await serveUntilSignal(app, config: config)
            default:
                system.host([.worker, .scheduler, .janitor])
                system.hostWeb()
                try await system.seedIfEmpty()
                try await serveUntilSignal(app, config: config)
            }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// Serves the API until SIGTERM/SIGINT, then shuts down in order: stop accepting and finish
    /// the requests in flight first, then (in `asyncShutdown`) the web UI, the background roles
    /// and finally the database pools, which in-flight work may still be using until then.
    private static func serveUntilSignal(_ app: Application, config: AppConfig) async throws {
        try await app.asyncBoot()
        try await app.server.start(address: .hostname(config.host, port: config.apiPort))
        app.logger.notice("API listening", metadata: ["url": "http://\(config.host):\(config.apiPort)/api"])
        let signal = await Signals.waitForTermination()
        app.logger.notice("shutting down: finishing requests in flight", metadata: ["signal": "\(signal)"])
        await app.server.shutdown()
    }

    private static func bootstrapLogging(_ level: Logger.Level, _ format: LogFormat) {
        LoggingSystem.bootstrap { label in
            if format == .text {
                var handler = StreamLogHandler.standardOutput(label: label)
                handler.logLevel = level
                return handler
            }
            return StructuredLogHandler(label: label, format: format, logLevel: level)
        }
    }
}
