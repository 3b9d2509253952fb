import Foundation

/// How dates and numbers read on the pages.
enum Formatting {
    /// "Tue 1 Dec 2026, 18:00 UTC".
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let style = Date.VerbatimFormatStyle(
            format: "\(weekday: .abbreviated) \(day: .defaultDigits) \(month: .abbreviated) \(year: .defaultDigits), \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits) UTC",
            locale: Locale(identifier: "en_US_POSIX"), timeZone: .gmt, calendar: calendar
        )
        return date.formatted(style)
    }

    /// The value of an `<input type="datetime-local">` (UTC, minutes).
    static func inputValue(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let style = Date.VerbatimFormatStyle(
            format: "\(year: .defaultDigits)-\(month: .twoDigits)-\(day: .twoDigits)T\(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)",
            locale: Locale(identifier: "en_US_POSIX"), timeZone: .gmt, calendar: calendar
        )
        return date.formatted(style)
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
