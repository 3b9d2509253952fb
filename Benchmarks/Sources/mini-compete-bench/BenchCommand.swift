import ArgumentParser
import Foundation

/// `mini-compete-bench`: drives a running mini-compete API over keep-alive HTTP and reports
/// throughput, latency percentiles and answers per scenario, then verifies the database.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mini-compete-bench",
        abstract: "Load-test a running mini-compete API (registration under contention, and reads)."
    )

    @Option(help: "Base URL of the API server (loopback only).")
    var url = "http://127.0.0.1:3001"

    @Option(help: "Comma-separated scenarios: hot, hot-form (hot with a five-question form), spread, full, read, rush.")
    var scenarios = "hot,spread,full,read"

    @Option(help: "Concurrent clients, each on its own keep-alive connection.")
    var concurrency = 64

    @Option(help: "Registrations in the hot and hot-form scenarios (one competition each).")
    var hot = 10_000

    @Option(help: "Registrations in the spread scenario.")
    var spread = 10_000

    @Option(help: "Competitions for spread and read.")
    var competitions = 1_000

    @Option(help: "Attempts in the full scenario.")
    var fullAttempts = 10_000

    @Option(help: "Capacity of the competition in the full scenario.")
    var fullCapacity = 100

    @Option(help: "Requests in each read scenario (list and single).")
    var reads = 20_000

    @Option(help: "Clients in the rush scenario, open loop: all press within one second of the opening.")
    var rush = 5_000

    @Option(help: "Seats of the rush competition.")
    var rushSeats = 500

    @Option(help: "Share of the rush's one-second window before the opening (those see 409 registration_not_open).")
    var rushEarly = 0.05

    @Option(help: "Seconds from creating the rush competition to its opening.")
    var rushLead = 3.0

    @Option(help: "Label for the report lines (e.g. postgres, sqlite).")
    var label = "server"

    @Option(help: "Append one tab-separated line per scenario to this file.")
    var results: String?

    @Option(help: "PID of the server process, to report its CPU time per request.")
    var serverPid: Int32?

    @Option(help: "PID of the PostgreSQL postmaster the server uses, to report PostgreSQL's CPU time per request.")
    var postgresPid: Int32?

    func validate() throws {
        guard let host = URL(string: url)?.host, ["127.0.0.1", "localhost", "::1"].contains(host) else {
            throw ValidationError("--url must point at a loopback address")
        }
        guard concurrency >= 1, hot >= 1, spread >= 1, competitions >= 1, fullAttempts > fullCapacity, reads >= 1 else {
            throw ValidationError("counts must be positive and --full-attempts larger than --full-capacity")
        }
        guard rush > rushSeats, rushSeats >= 1, rushEarly >= 0, rushEarly < 1, rushLead >= 1 else {
            throw ValidationError("--rush must exceed --rush-seats, --rush-early lie in [0, 1), --rush-lead be ≥ 1 s")
        }
    }

    func run() async throws {
        let selected = Set(scenarios.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let client = APIClient(base: url, connections: concurrency)
        do {
            let ok = try await runSelected(selected, client: client)
            try await client.shutdown()
            if !ok { throw ExitCode(3) }
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Sets up, runs the selected scenarios in a fixed order and reports; false if a
    /// verification failed.
    private func runSelected(_ selected: Set<String>, client: APIClient) async throws -> Bool {
        let run = String(UInt32.random(in: .min ... .max), radix: 36)
        var participants = 0
        if selected.contains("hot") || selected.contains("hot-form") { participants = max(participants, hot) }
        if selected.contains("spread") { participants = max(participants, spread) }
        if selected.contains("full") { participants = max(participants, fullAttempts) }
        if selected.contains("rush") { participants = max(participants, rush) }

        log("setup: run \(run), \(participants) participants, \(competitions) competitions")
        let setupStart = ContinuousClock.now
        let fixtures = try await Fixtures.make(client: client, run: run, participants: participants, concurrency: concurrency)
        var pool: [String] = []
        if selected.contains("spread") || selected.contains("read") {
            pool = try await client.createCompetitions(
                competitions, capacity: min(100_000, max(spread, 1)), title: "Spread \(run)",
                organizer: fixtures.organizer, concurrency: concurrency
            )
        }
        log("setup took \(ContinuousClock.now - setupStart)")

        let scenarios = Scenarios(
            client: client, fixtures: fixtures, run: run, concurrency: concurrency,
            processes: MeasuredProcesses(server: serverPid, postgres: postgresPid)
        )
        var outcomes: [(LoadResult, Verification)] = []
        if selected.contains("hot") { outcomes.append(try await report(scenarios.hot(count: hot))) }
        if selected.contains("hot-form") { outcomes.append(try await report(scenarios.hot(count: hot, form: true))) }
        if selected.contains("spread") { outcomes.append(try await report(scenarios.spread(count: spread, over: pool))) }
        if selected.contains("full") {
            outcomes.append(try await report(scenarios.full(attempts: fullAttempts, capacity: fullCapacity)))
        }
        if selected.contains("read") {
            for outcome in try await scenarios.read(count: reads, competitions: pool) { outcomes.append(report(outcome)) }
        }
        if selected.contains("rush") { outcomes.append(report(try await runRush(scenarios))) }
        return outcomes.allSatisfy { $0.1.holds }
    }

    /// The rush on a client of its own with one keep-alive connection per rushing client, all
    /// opened before the competition is created: the measured second then holds requests, not
    /// 5,000 TCP handshakes against the server's accept backlog (a browser on the page holds its
    /// connection too).
    private func runRush(_ scenarios: Scenarios) async throws -> (LoadResult, Verification) {
        let rushClient = APIClient(base: url, connections: rush)
        do {
            log("rush: opening \(rush) keep-alive connections")
            let warm = await runLoad("warm-up", client: rushClient, count: rush * 2, concurrency: rush) { _ in
                try rushClient.request(.GET, "/health")
            }
            guard warm.count("200") == warm.requests else {
                throw BenchError(description: "rush warm-up failed: \(Report.outcomes(warm))")
            }
            log("rush: \(rush) clients, \(rushSeats) seats, opening in \(rushLead) s")
            let outcome = try await scenarios.rush(
                Rush(clients: rush, seats: rushSeats, early: rushEarly, lead: .milliseconds(Int(rushLead * 1000))),
                rushClient: rushClient
            )
            try await rushClient.shutdown()
            return outcome
        } catch {
            try? await rushClient.shutdown()
            throw error
        }
    }

    /// Prints one scenario's report and appends its line to `--results`.
    private func report(_ outcome: (LoadResult, Verification)) -> (LoadResult, Verification) {
        print(Report.text(outcome.0, outcome.1, label: label))
        if let results {
            let line = Report.tsv(outcome.0, outcome.1, label: label) + "\n"
            if let handle = FileHandle(forWritingAtPath: results) {
                handle.seekToEndOfFile()
                handle.write(Data(line.utf8))
                try? handle.close()
            } else {
                _ = FileManager.default.createFile(atPath: results, contents: Data(line.utf8))
            }
        }
        return outcome
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("[bench \(label)] \(message)\n".utf8))
    }
}
