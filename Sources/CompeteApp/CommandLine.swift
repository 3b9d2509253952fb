import Foundation
import Logging
import Vapor

/// `mini-compete [serve|api|migrate|seed|help]`. `serve` (the default) runs every role of this
/// build in one process; `api` runs the JSON API alone.
public enum MiniCompeteCommand {
    static let usage = """
        usage: mini-compete [command]

          serve     migrate, seed the demo data if the database is empty, serve the API (default)
          api       the same as serve: the JSON API on API_PORT
          migrate   apply database migrations and exit
          seed      apply migrations, load the demo data (idempotent) and exit
          help      show this text

        Configuration comes from environment variables; see .env.example.
        """

    public static func main(arguments: [String] = CommandLine.arguments) async -> Int32 {
        let command = arguments.dropFirst().first ?? "serve"
        let config: AppConfig
        do {
            config = try AppConfig.fromEnvironment()
        } catch {
            bootstrapLogging(.info)
            Logger(label: "mini-compete").critical("invalid configuration: \(error)")
            return 1
        }
        bootstrapLogging(config.logLevel)
        let logger = Logger(label: "mini-compete")

        switch command {
        case "serve", "api", "migrate", "seed":
            do {
                try await run(command, config: config)
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

    private static func run(_ command: String, config: AppConfig) async throws {
        let environment = Vapor.Environment(
            name: config.isProduction ? "production" : "development",
            arguments: [CommandLine.arguments.first ?? "mini-compete", "serve"]
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
            default:
                try await system.seedIfEmpty()
                try await app.execute()
            }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    private static func bootstrapLogging(_ level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
