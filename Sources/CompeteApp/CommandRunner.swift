import ArgumentParser
import Foundation
import Logging
import Vapor

/// What every command does around its own work: reads the configuration, sets up logging, builds
/// the system through the composition root, applies migrations, and shuts the application down
/// afterwards — also when the work failed. A failure is logged, not printed, and ends the process
/// with exit code 1 (usage errors are the argument parser's: usage text and exit code 64).
enum CommandRunner {
    static func run(_ command: String, _ work: (MiniCompete) async throws -> Void) async throws {
        let config: AppConfig
        do {
            config = try AppConfig.fromEnvironment()
        } catch {
            bootstrapLogging(.info, .text)
            Logger(label: "mini-compete").critical("invalid configuration: \(error)")
            throw ExitCode.failure
        }
        bootstrapLogging(config.logLevel, config.logFormat)
        do {
            try await withSystem(config, work)
        } catch {
            Logger(label: "mini-compete").critical("mini-compete \(command) failed: \(error)")
            throw ExitCode.failure
        }
    }

    private static func withSystem(_ config: AppConfig, _ work: (MiniCompete) async throws -> Void) async throws {
        // The argument parser owns the command line; Vapor's own command parsing is not used.
        let environment = Vapor.Environment(
            name: config.isProduction ? "production" : "development",
            arguments: [ProcessInfo.processInfo.arguments.first ?? "mini-compete"]
        )
        let app = try await Application.make(environment)
        do {
            let system = try await MiniCompete.build(app, config: config)
            try await system.migrate()
            try await work(system)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
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
