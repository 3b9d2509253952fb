import ArgumentParser
@testable import CompeteApp
import Foundation
import Testing

/// The command tree parses what the README documents and refuses the rest before anything opens
/// a database.
@Suite struct CommandLineTests {
    private func parse(_ arguments: [String]) throws -> any ParsableCommand {
        try MiniCompeteCommand.parseAsRoot(arguments)
    }

    @Test func serveIsTheDefaultAndEveryRoleHasACommand() throws {
        #expect(try parse([]) is ServeCommand)
        #expect(try parse(["serve"]) is ServeCommand)
        #expect(try parse(["api"]) is APICommand)
        #expect(try parse(["web"]) is WebCommand)
        #expect(try parse(["worker"]) is WorkerCommand)
        #expect(try parse(["migrate"]) is MigrateCommand)
        #expect(try parse(["seed"]) is SeedCommand)
        #expect(try parse(["jobs", "stats"]) is JobsCommand.Stats)
    }

    @Test func jobsOptionsAreTyped() throws {
        #expect(try #require(try parse(["jobs", "failed"]) as? JobsCommand.Failed).limit == 100)
        #expect(try #require(try parse(["jobs", "failed", "--limit", "5"]) as? JobsCommand.Failed).limit == 5)
        let id = UUID()
        let retry = try #require(try parse(["jobs", "retry", id.uuidString.lowercased()]) as? JobsCommand.Retry)
        #expect(retry.ids == [id] && !retry.all)
        let all = try #require(try parse(["jobs", "retry", "--all"]) as? JobsCommand.Retry)
        #expect(all.all && all.ids.isEmpty)
    }

    @Test func badInputIsAUsageErrorWithANonZeroExit() {
        let id = UUID().uuidString
        let cases: [(arguments: [String], says: String)] = [
            (["jobs", "retry", "--all", id], "not both"),
            (["jobs", "retry"], "--all"),
            (["jobs", "retry", "not-a-job"], "not a job id"),
            (["jobs", "failed", "--limit", "many"], "--limit"),
            (["jobs", "failed", "--limit", "0"], "positive"),
            (["launch"], "launch"),
        ]
        for (arguments, says) in cases {
            #expect(throws: (any Error).self, "\(arguments)") { try parse(arguments) }
            do {
                _ = try parse(arguments)
            } catch {
                let message = MiniCompeteCommand.fullMessage(for: error)
                #expect(MiniCompeteCommand.exitCode(for: error) != .success, "\(arguments)")
                #expect(message.contains(says), "\(arguments): \(message)")
                #expect(message.contains("Usage: mini-compete"), "\(arguments): \(message)")
            }
        }
    }

    @Test func everyCommandHasHelp() {
        let commands: [any ParsableCommand.Type] = [
            MiniCompeteCommand.self, ServeCommand.self, APICommand.self, WebCommand.self, WorkerCommand.self,
            MigrateCommand.self, SeedCommand.self, JobsCommand.self,
            JobsCommand.Stats.self, JobsCommand.Failed.self, JobsCommand.Retry.self,
        ]
        for command in commands {
            let help = MiniCompeteCommand.helpMessage(for: command)
            #expect(help.contains("USAGE: mini-compete"), "\(command): \(help)")
            #expect(help.contains("OVERVIEW:"), "\(command) has no abstract")
        }
    }
}
