import Foundation

extension Date {
    /// Formats in UTC with the POSIX locale, so the text never depends on the machine's settings.
    public func formattedUTC(_ format: Date.FormatString) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return formatted(Date.VerbatimFormatStyle(format: format, locale: Locale(identifier: "en_US_POSIX"), timeZone: .gmt, calendar: calendar))
    }
}
