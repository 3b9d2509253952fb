import Foundation

extension Date {
    /// Formats in UTC with the POSIX locale, so the text never depends on the machine's settings.
    public func formattedUTC(_ format: Date.FormatString) -> String {
        formatted(format, in: .gmt)
    }

    /// Formats on the wall clock of `zone`, with the POSIX locale and the Gregorian calendar.
    func formatted(_ format: Date.FormatString, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return formatted(Date.VerbatimFormatStyle(format: format, locale: Locale(identifier: "en_US_POSIX"), timeZone: zone, calendar: calendar))
    }
}
