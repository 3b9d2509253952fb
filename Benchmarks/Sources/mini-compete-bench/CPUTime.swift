import Foundation

/// CPU time of the processes on the measured path, read from /proc (Linux), so every report
/// says where the machine's two cores went: the server, PostgreSQL, or this load generator.
struct CPUTime: Sendable {
    var server: Double = 0
    var postgres: Double = 0
    var client: Double = 0

    /// Seconds of CPU (user + system) used so far by `serverPID`, by every `postgres` process
    /// (the postmaster's reaped children included) and by this process.
    static func now(serverPID: Int32?) -> CPUTime {
        var time = CPUTime()
        if let serverPID { time.server = seconds(pid: "\(serverPID)", includingChildren: false) ?? 0 }
        time.client = seconds(pid: "self", includingChildren: false) ?? 0
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for pid in entries where pid.allSatisfy(\.isNumber) {
            guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
                  comm.hasPrefix("postgres") else { continue }
            time.postgres += seconds(pid: pid, includingChildren: true) ?? 0
        }
        return time
    }

    static func - (lhs: CPUTime, rhs: CPUTime) -> CPUTime {
        CPUTime(server: lhs.server - rhs.server, postgres: lhs.postgres - rhs.postgres, client: lhs.client - rhs.client)
    }

    /// utime + stime (+ cutime + cstime) from /proc/PID/stat, in seconds.
    private static func seconds(pid: String, includingChildren: Bool) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name, which may itself contain spaces: state is field 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let ticks = (includingChildren ? 11...14 : 11...12).compactMap { Double(fields[$0]) }.reduce(0, +)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
