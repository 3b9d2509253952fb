import ArgumentParser

/// `mini-compete [command]`: the root of the command tree. `serve` (the default) runs every role
/// in one process; `api`, `web` and `worker` run some of them, any number side by side; the rest
/// are one-shot maintenance commands. `--help` works at every level.
public struct MiniCompeteCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mini-compete",
        abstract: "Competition registration: JSON API, web UI, job worker and reminder scheduler in one executable.",
        discussion: """
            Configuration comes from environment variables (see .env.example and the README); \
            the commands only choose what this process does. SIGTERM or SIGINT stops a running \
            process gracefully: HTTP first, finishing the requests in flight, then the background \
            roles, finishing the work in hand; exit code 0.
            """,
        subcommands: [
            ServeCommand.self, APICommand.self, WebCommand.self, WorkerCommand.self,
            MigrateCommand.self, SeedCommand.self, JobsCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )

    public init() {}
}
