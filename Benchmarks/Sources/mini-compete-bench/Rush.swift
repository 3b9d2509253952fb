import AsyncHTTPClient
import Foundation
import Histogram

/// The opening rush (issue 18): `clients` participants press "register" within one second of a
/// competition's opening, whatever the answers so far (open loop). Client `i` is due at
/// `opensAt − early + i/clients` seconds, so the first `early` share press a little too soon and
/// see 409 `registration_not_open`; such a client presses again at the opening with a fresh
/// Idempotency-Key (the refusal is stored and replayed under the old one), at most three times.
struct Rush: Sendable {
    let clients: Int
    let seats: Int
    /// Share of the one-second window before the opening, 0..<1.
    let early: Double
    /// Time from creating the competition to its opening, enough to schedule every client.
    let lead: Duration

    /// One client's answers, in the order it got them.
    struct Press: Sendable {
        let outcome: String
        /// From the instant the press was due to its answer.
        let timeToAnswer: Duration
        let sentBeforeOpening: Bool
    }
}

extension Scenarios {
    /// Runs the rush on `rushClient` (a client whose pool allows one connection per client,
    /// already warmed up) and verifies seats, counters and answers through the API.
    func rush(_ rush: Rush, rushClient: APIClient) async throws -> (LoadResult, Verification) {
        guard rush.clients <= fixtures.participants.count else {
            throw BenchError(description: "rush needs \(rush.clients) participants, only \(fixtures.participants.count) exist")
        }
        // The API takes whole seconds; the monotonic instant of the opening is taken from the
        // same reading of the wall clock, so the schedule and the server agree (same machine).
        let clock = ContinuousClock()
        let wallNow = Date()
        let monoNow = clock.now
        let opensAt = Date(timeIntervalSince1970: (wallNow.timeIntervalSince1970 + rush.lead.seconds).rounded(.up))
        let opening = monoNow + .seconds(opensAt.timeIntervalSince(wallNow))
        let competition = try await client.createCompetitions(
            1, capacity: rush.seats, title: "Rush \(run)", organizer: fixtures.organizer, concurrency: 1, opensAt: opensAt
        )[0]
        let state = try await client.expect(200, try client.request(.GET, "/competitions/\(competition)"), as: CompetitionState.self)
        guard state.opensAt != nil else {
            throw BenchError(description: "rush: this server does not know opensAt (the competition came back without "
                + "it), so it cannot hold registrations until an instant; the rush cannot run against it")
        }
        guard clock.now < opening - .milliseconds(Int(rush.early * 1000) + 200) else {
            throw BenchError(description: "rush: setting up took longer than --rush-lead; raise it")
        }

        let participants = fixtures.participants
        let run = self.run
        let cpuBefore = CPUTime.now(serverPID: processes.server, postgresPID: processes.postgres)
        let first = opening - .milliseconds(Int(rush.early * 1000))
        let presses = await withTaskGroup(of: [Rush.Press].self) { group in
            for index in 0..<rush.clients {
                group.addTask {
                    var due = first + .microseconds(1_000_000 * index / rush.clients)
                    var answers: [Rush.Press] = []
                    for attempt in 0..<3 {
                        try? await Task.sleep(until: due, clock: clock)
                        let key = "bench-\(run)-rush-\(index)" + (attempt == 0 ? "" : "-retry\(attempt)")
                        let outcome = await answer(rushClient, { index in
                            try rushClient.request(
                                .POST, "/competitions/\(competition)/register", token: participants[index].token,
                                headers: [("Idempotency-Key", key)]
                            )
                        }, index)
                        let answered = clock.now
                        answers.append(Rush.Press(outcome: outcome, timeToAnswer: answered - due, sentBeforeOpening: due < opening))
                        guard outcome == "409 registration_not_open" else { break }
                        due = max(answered, opening)
                    }
                    return answers
                }
            }
            var all: [[Rush.Press]] = []
            for await client in group { all.append(client) }
            return all
        }
        let elapsed = clock.now - first
        let cpu = CPUTime.now(serverPID: processes.server, postgresPID: processes.postgres) - cpuBefore

        var latency = newHistogram()
        var outcomes: [String: Int] = [:]
        for press in presses.joined() {
            _ = latency.record(UInt64(max(1, press.timeToAnswer / .microseconds(1))))
            outcomes[press.outcome, default: 0] += 1
        }
        let result = LoadResult(name: "rush", requests: presses.map(\.count).reduce(0, +), elapsed: elapsed,
                                latency: latency, outcomes: outcomes, cpu: cpu)
        let finals = presses.compactMap(\.last?.outcome)
        let early = presses.joined().filter(\.sentBeforeOpening).count
        var verification = Verification()
        verification.expect("answers 201", result.count("201"), equals: rush.seats)
        verification.expect("clients whose last answer is 201 or 409 competition_full",
                            finals.filter { $0 == "201" || $0 == "409 competition_full" }.count, equals: rush.clients)
        verification.expect("answers 5xx or transport errors",
                            outcomes.filter { $0.key.hasPrefix("5") || $0.key.hasPrefix("error") }.map(\.value).reduce(0, +),
                            equals: 0)
        verification.expect("409 registration_not_open beyond the \(early) presses due before the opening",
                            max(0, result.count("409 registration_not_open") - early), equals: 0)
        verification.expect("registeredCount", try await client.registeredCount(competition), equals: rush.seats)
        verification.expect("confirmed registrants",
                            try await client.confirmedRegistrants(competition, organizer: fixtures.organizer), equals: rush.seats)
        return (result, verification)
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
