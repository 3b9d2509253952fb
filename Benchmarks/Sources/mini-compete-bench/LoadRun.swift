import AsyncHTTPClient
import Histogram

/// What one measured phase produced: throughput, latency distribution and every answer counted
/// by status (and problem `code` for errors).
struct LoadResult: Sendable {
    let name: String
    let requests: Int
    let elapsed: Duration
    /// Latencies in microseconds.
    var latency: Histogram<UInt64>
    /// "201", "409 competition_full", "error: …" → count.
    var outcomes: [String: Int]
    /// CPU used during the phase by the server, PostgreSQL and this client.
    var cpu = CPUTime()

    var seconds: Double {
        Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    var requestsPerSecond: Double { seconds > 0 ? Double(requests) / seconds : 0 }

    func count(_ outcome: String) -> Int { outcomes[outcome] ?? 0 }

    /// Latency at `percentile` in milliseconds.
    func milliseconds(_ percentile: Double) -> Double {
        Double(latency.valueAtPercentile(percentile)) / 1000
    }

    var maxMilliseconds: Double { Double(latency.max) / 1000 }

    /// CPU milliseconds per request of the server, PostgreSQL and this client.
    var cpuPerRequest: CPUTime {
        let scale = requests > 0 ? 1000 / Double(requests) : 0
        return CPUTime(server: cpu.server * scale, postgres: cpu.postgres * scale, client: cpu.client * scale)
    }
}

/// Sends `count` requests with `concurrency` workers, each worker on its own keep-alive
/// connection, one request at a time (closed loop). Request `i` is built by `makeRequest(i)`.
func runLoad(
    _ name: String, client: APIClient, count: Int, concurrency: Int, processes: MeasuredProcesses = .init(),
    makeRequest: @escaping @Sendable (Int) throws -> HTTPClientRequest
) async -> LoadResult {
    typealias Partial = (latency: Histogram<UInt64>, outcomes: [String: Int])
    let dispenser = IndexDispenser(count: count)
    let clock = ContinuousClock()
    let cpuBefore = CPUTime.now(serverPID: processes.server, postgresPID: processes.postgres)
    let started = clock.now
    var total: Partial = (newHistogram(), [:])
    await withTaskGroup(of: Partial.self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                var mine: Partial = (newHistogram(), [:])
                while let index = dispenser.take() {
                    let sent = clock.now
                    let outcome = await answer(client, makeRequest, index)
                    let elapsed = clock.now - sent
                    _ = mine.latency.record(UInt64(max(1, elapsed / .microseconds(1))))
                    mine.outcomes[outcome, default: 0] += 1
                }
                return mine
            }
        }
        for await partial in group {
            total.latency.add(partial.latency)
            total.outcomes.merge(partial.outcomes, uniquingKeysWith: +)
        }
    }
    let elapsed = clock.now - started
    return LoadResult(name: name, requests: count, elapsed: elapsed, latency: total.latency,
                      outcomes: total.outcomes,
                      cpu: CPUTime.now(serverPID: processes.server, postgresPID: processes.postgres) - cpuBefore)
}

/// Sends request `index` and names its answer: "201", "409 competition_full", "error: …".
func answer(
    _ client: APIClient, _ makeRequest: @Sendable (Int) throws -> HTTPClientRequest, _ index: Int
) async -> String {
    do {
        let response = try await client.send(try makeRequest(index))
        return response.status < 400 ? "\(response.status)" : "\(response.status) \(response.problemCode ?? "-")"
    } catch {
        return "error: \(String(describing: error).prefix(80))"
    }
}

/// 1 µs to 60 s at three significant digits.
func newHistogram() -> Histogram<UInt64> {
    Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
}
