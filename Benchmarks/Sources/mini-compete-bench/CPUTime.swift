import Foundation

/// The processes whose CPU time a load phase reports; nil leaves a column at zero.
struct MeasuredProcesses: Sendable {
    var server: Int32?
    var postgres: Int32?
}

/// CPU time of the processes on the measured path, read from /proc (Linux), so every report
/// says where the machine's two cores went: the server, PostgreSQL, or this load generator.
struct CPUTime: Sendable {
    var server: Double = 0
    var postgres: Double = 0
    var client: Double = 0

    /// Seconds of CPU (user + system) used so far by `serverPID`, by the PostgreSQL server whose
    /// postmaster is `postgresPID` (its backends, and through the postmaster's reaped-children
    /// times the backends that already exited; other PostgreSQL servers on the machine do not
    /// count) and by this process.
    static func now(serverPID: Int32?, postgresPID: Int32?) -> CPUTime {
        var time = CPUTime()
        if let serverPID { time.server = stat(pid: "\(serverPID)")?.seconds(includingChildren: false) ?? 0 }
        time.client = stat(pid: "self")?.seconds(includingChildren: false) ?? 0
        guard let postgresPID else { return time }
        time.postgres = stat(pid: "\(postgresPID)")?.seconds(includingChildren: true) ?? 0
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for pid in entries where pid.allSatisfy(\.isNumber) {
            guard let backend = stat(pid: pid), backend.parent == postgresPID else { continue }
            time.postgres += backend.seconds(includingChildren: false)
        }
        return time
    }

    static func - (lhs: CPUTime, rhs: CPUTime) -> CPUTime {
        CPUTime(server: lhs.server - rhs.server, postgres: lhs.postgres - rhs.postgres, client: lhs.client - rhs.client)
    }

    /// The fields of /proc/PID/stat that matter here.
    private struct Stat {
        let parent: Int32
        /// utime, stime, cutime, cstime in clock ticks.
        let ticks: [Double]

        func seconds(includingChildren: Bool) -> Double {
            (includingChildren ? ticks : Array(ticks.prefix(2))).reduce(0, +) / Double(sysconf(Int32(_SC_CLK_TCK)))
        }
    }

    private static func stat(pid: String) -> Stat? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // Fields after the command name, which may itself contain spaces: state is field 3, the
        // parent field 4, utime … cstime fields 14–17.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 14, let parent = Int32(fields[1]) else { return nil }
        return Stat(parent: parent, ticks: (11...14).compactMap { Double(fields[$0]) })
    }
}
