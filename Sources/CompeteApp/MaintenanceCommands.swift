import ArgumentParser

/// Applies migrations and exits; what every other command also does first.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply database migrations and exit.",
        discussion: "On PostgreSQL under an advisory lock, so it is safe with many instances starting together."
    )

    func run() async throws {
        try await CommandRunner.run("migrate") { $0.app.logger.info("migrations applied") }
    }
}

/// Loads the demo data (idempotent).
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Apply migrations, load the demo data (idempotent) and exit."
    )

    func run() async throws {
        try await CommandRunner.run("seed") { try await $0.seed() }
    }
}
