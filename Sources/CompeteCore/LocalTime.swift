import Foundation

/// Times as people read and type them: the wall clock of a competition's time zone, with the
/// zone's UTC offset. The one place the web pages and the messages format times, so a page and
/// an email never disagree.
///
/// The offset (`UTC+1`, `UTC+5:30`, `UTC-2:30`), not an abbreviation, marks the zone: the
/// system's abbreviations are either offsets anyway (`GMT+2` for Berlin under `en_US_POSIX`) or
/// ambiguous (`IST`, `CST`), and an offset also tells the two 02:30s of an autumn night apart.
public enum LocalTime {
    /// "Tue 1 Dec 2026, 19:00 UTC+1" (a UTC competition: "Tue 1 Dec 2026, 18:00 UTC").
    public static func short(_ date: Date, in zone: TimeZoneName) -> String {
        date.formatted("\(weekday: .abbreviated) \(day: .defaultDigits) \(month: .abbreviated) \(year: .defaultDigits), \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)", in: zone.zone)
            + " " + offset(of: date, in: zone)
    }

    /// "Tuesday, 1 December 2026, 19:00 UTC+1 (Europe/Berlin)": for messages, which are read
    /// away from the competition's page.
    public static func long(_ date: Date, in zone: TimeZoneName) -> String {
        let text = date.formatted("\(weekday: .wide), \(day: .defaultDigits) \(month: .wide) \(year: .defaultDigits), \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)", in: zone.zone)
            + " " + offset(of: date, in: zone)
        return zone.isUTC ? text : "\(text) (\(zone.identifier))"
    }

    /// "UTC", "UTC+1", "UTC+5:30", "UTC-2:30".
    public static func offset(of date: Date, in zone: TimeZoneName) -> String {
        let seconds = zone.zone.secondsFromGMT(for: date)
        guard seconds != 0 else { return "UTC" }
        let minutes = abs(seconds) / 60
        let sign = seconds < 0 ? "-" : "+"
        return minutes % 60 == 0 ? "UTC\(sign)\(minutes / 60)" : "UTC\(sign)\(minutes / 60):\(String(format: "%02d", minutes % 60))"
    }

    /// The value of an `<input type="datetime-local">`: the wall clock in `zone`, to the minute.
    public static func inputValue(_ date: Date, in zone: TimeZoneName) -> String {
        date.formatted("\(year: .defaultDigits)-\(month: .twoDigits)-\(day: .twoDigits)T\(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)", in: zone.zone)
    }

    /// What a typed local time stands for.
    public enum Reading: Sendable, Equatable {
        case instant(Date)
        /// Skipped by a daylight-saving change (e.g. 02:30 on the night clocks go forward).
        case nonexistent
        /// Not a date and time at all.
        case invalid
    }

    /// Reads `YYYY-MM-DDTHH:MM[:SS]` as a wall-clock time in `zone`; a full RFC 3339 timestamp
    /// (with `Z` or an offset) is taken as it is. A time that occurs twice (the hour repeated
    /// when clocks go back) is the earlier instant, as RFC 5545 reads such times (§3.3.5); one
    /// that never occurs is `.nonexistent`, so the caller can say so instead of shifting it.
    public static func read(_ text: String, in zone: TimeZoneName) -> Reading {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let absolute = try? Date(trimmed, strategy: .iso8601) { return .instant(absolute) }
        guard let wall = wallClock(trimmed) else { return .invalid }
        // The instants whose local time in `zone` is `wall`: try every offset in force within a
        // day of it (a zone changes offset at most once in that span, in practice).
        let offsets = Set([-86_400.0, 0, 86_400].map { zone.zone.secondsFromGMT(for: wall.addingTimeInterval($0)) })
        let candidates = offsets.map { wall.addingTimeInterval(-TimeInterval($0)) }
            .filter { zone.zone.secondsFromGMT(for: $0) == Int(wall.timeIntervalSince($0)) }
        guard let earliest = candidates.min() else { return .nonexistent }
        return .instant(earliest)
    }

    /// `YYYY-MM-DDTHH:MM[:SS]` as the instant with those fields in UTC; nil unless a real date.
    private static func wallClock(_ text: String) -> Date? {
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let day = parts[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        let time = parts[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard day.count == 3, parts[0].count == 10, (2...3).contains(time.count), parts[1].count == time.count * 3 - 1,
              let year = day[0], let month = day[1], let dayOfMonth = day[2], let hour = time[0], let minute = time[1],
              let second = time.count == 3 ? time[2] : 0,
              (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let components = DateComponents(year: year, month: month, day: dayOfMonth, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components),
              calendar.component(.day, from: date) == dayOfMonth, calendar.component(.month, from: date) == month else { return nil }
        return date
    }
}
