import Foundation

/// What a calendar entry says about a competition; the API's `calendar.ics` and the
/// confirmation email's `invite.ics` are the same entry.
public struct CalendarEvent: Sendable, Equatable {
    public let id: UUID
    public let title: String
    public let description: String
    public let organizerName: String
    public let startDate: Date
    public let updatedAt: Date
    public let pageURL: String

    public init(id: UUID, title: String, description: String, organizerName: String, startDate: Date, updatedAt: Date, pageURL: String) {
        self.id = id
        self.title = title
        self.description = description
        self.organizerName = organizerName
        self.startDate = startDate
        self.updatedAt = updatedAt
        self.pageURL = pageURL
    }

    public init(_ c: Competition, pageURL: String) {
        self.init(id: c.id, title: c.title, description: c.description, organizerName: c.organizerName,
                  startDate: c.startDate, updatedAt: c.updatedAt, pageURL: pageURL)
    }
}

/// An RFC 5545 calendar holding one event for a competition: stable UID, UTC times, escaped
/// text, lines folded at 75 octets, CRLF line ends.
public enum ICalendar {
    public static let contentType = "text/calendar; charset=utf-8"

    public static func event(for c: Competition, pageURL: String) -> String {
        event(CalendarEvent(c, pageURL: pageURL))
    }

    public static func event(_ c: CalendarEvent) -> String {
        let id = c.id.uuidString.lowercased()
        let lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Mini Compete//Competitions//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "BEGIN:VEVENT",
            "UID:\(id)@mini-compete",
            "DTSTAMP:\(stamp(c.updatedAt))",
            "LAST-MODIFIED:\(stamp(c.updatedAt))",
            "DTSTART:\(stamp(c.startDate))",
            "SUMMARY:\(escape(c.title))",
            "DESCRIPTION:\(escape(c.description))",
            "ORGANIZER;CN=\(quoteParameter(c.organizerName)):mailto:noreply@mini-compete.invalid",
            "URL:\(c.pageURL)",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `20261201T180000Z`.
    static func stamp(_ date: Date) -> String {
        date.formattedUTC("\(year: .defaultDigits)\(month: .twoDigits)\(day: .twoDigits)T\(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased))\(minute: .twoDigits)\(second: .twoDigits)Z")
    }

    /// TEXT escaping (RFC 5545 §3.3.11).
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,")
            .replacingOccurrences(of: "\r\n", with: "\\n")
            .replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\r", with: "\\n")
    }

    /// Parameter values cannot contain quotes; they are quoted when they hold `:;,`.
    static func quoteParameter(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\"", with: "'").filter { !$0.isNewline }
        return clean.contains(where: { ":;,".contains($0) }) ? "\"\(clean)\"" : clean
    }

    /// Folds a content line into 75-octet pieces without splitting a character (§3.1).
    static func fold(_ line: String) -> String {
        var pieces: [String] = []
        var current = ""
        var octets = 0
        for character in line {
            let size = String(character).utf8.count
            let limit = pieces.isEmpty ? 75 : 74
            if octets + size > limit {
                pieces.append(current)
                current = ""
                octets = 0
            }
            current.append(character)
            octets += size
        }
        pieces.append(current)
        return pieces.joined(separator: "\r\n ")
    }
}
