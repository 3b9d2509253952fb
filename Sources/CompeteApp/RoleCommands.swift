import ArgumentParser

/// Migrates, seeds an empty database and runs every role (the default command).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the API, the web UI, the job worker and the reminder scheduler in one process.",
        discussion: "Applies migrations first and loads the demo data into an empty database when SEED_DEMO_DATA allows."
    )

    func run() async throws {
        try await CommandRunner.run("serve") { system in
            try await system.seedIfEmpty()
            try await system.run(Set(ProcessRole.allCases))
        }
    }
}

/// One stateless API instance; run any number behind a load balancer.
struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Run the JSON API on API_PORT, with the reminder scheduler.",
        discussion: "The scheduler is safe in every instance: the database admits each reminder once."
    )

    func run() async throws {
        try await CommandRunner.run("api") { try await $0.run([.api, .scheduler, .janitor]) }
    }
}

/// The web UI alone.
struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "web", abstract: "Run the web UI on WEB_PORT only.")

    func run() async throws {
        try await CommandRunner.run("web") { try await $0.run([.web]) }
    }
}

/// A job worker; run any number beside any number of `api` instances.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run the job worker and the reminder scheduler only (run as many as you like)."
    )

    func run() async throws {
        try await CommandRunner.run("worker") { try await $0.run([.worker, .scheduler, .janitor]) }
    }
}
