import Foundation

/// The text report, and one tab-separated line per scenario for scripts.
enum Report {
    static func text(_ result: LoadResult, _ verification: Verification, label: String) -> String {
        var lines = [
            "== \(label) \(result.name): \(result.requests) requests in \(fixed(result.seconds, 2)) s"
                + " = \(fixed(result.requestsPerSecond, 0)) req/s",
            "   latency ms: p50 \(fixed(result.milliseconds(50), 2))  p90 \(fixed(result.milliseconds(90), 2))"
                + "  p99 \(fixed(result.milliseconds(99), 2))  max \(fixed(result.maxMilliseconds, 2))",
            "   answers: " + outcomes(result),
            "   CPU ms per request: server \(fixed(result.cpuPerRequest.server, 3))"
                + "  postgres \(fixed(result.cpuPerRequest.postgres, 3))  client \(fixed(result.cpuPerRequest.client, 3))",
        ]
        // The machine is shared: every figure carries the load it was measured under.
        if let load = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) {
            lines.append("   load average after: " + load.split(separator: " ").prefix(3).joined(separator: " "))
        }
        for check in verification.checks {
            lines.append("   \(check.holds ? "ok  " : "FAIL") \(check.what): \(check.actual)"
                         + (check.holds ? "" : " (expected \(check.expected))"))
        }
        return lines.joined(separator: "\n")
    }

    /// label, scenario, requests, seconds, req/s, p50, p90, p99, max (ms), answers, verified, and
    /// CPU ms per request of server, postgres, client.
    static func tsv(_ result: LoadResult, _ verification: Verification, label: String) -> String {
        [
            label, result.name, "\(result.requests)", fixed(result.seconds, 3), fixed(result.requestsPerSecond, 1),
            fixed(result.milliseconds(50), 2), fixed(result.milliseconds(90), 2), fixed(result.milliseconds(99), 2),
            fixed(result.maxMilliseconds, 2), outcomes(result).replacingOccurrences(of: "\t", with: " "),
            verification.holds ? "verified" : "FAILED",
            fixed(result.cpuPerRequest.server, 3), fixed(result.cpuPerRequest.postgres, 3),
            fixed(result.cpuPerRequest.client, 3),
        ].joined(separator: "\t")
    }

    static func outcomes(_ result: LoadResult) -> String {
        result.outcomes.sorted { $0.value > $1.value }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}
