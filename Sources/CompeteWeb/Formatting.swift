import CompeteCore
import Foundation

/// How dates and numbers read on the pages.
enum Formatting {
    /// "Tue 1 Dec 2026, 18:00 UTC".
    static func date(_ date: Date) -> String {
        date.formattedUTC("\(weekday: .abbreviated) \(day: .defaultDigits) \(month: .abbreviated) \(year: .defaultDigits), \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits) UTC")
    }

    /// The value of an `<input type="datetime-local">` (UTC, minutes).
    static func inputValue(_ date: Date) -> String {
        date.formattedUTC("\(year: .defaultDigits)-\(month: .twoDigits)-\(day: .twoDigits)T\(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)")
    }

    /// Parses a `datetime-local` value as UTC; also accepts full RFC 3339.
    static func parseInput(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if let full = try? Date(trimmed, strategy: .iso8601) { return full }
        let padded = trimmed.count == 16 ? trimmed + ":00Z" : trimmed + "Z"
        return try? Date(padded, strategy: .iso8601)
    }
}
