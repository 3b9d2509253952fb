import Foundation

/// Where a competition happens: an IANA time zone name such as `Europe/Berlin`, or `UTC`.
///
/// Checked against the system's time-zone database through Foundation's `TimeZone`. On Linux
/// `TimeZone(identifier:)` also accepts abbreviations (`CET`, `EST`, `IST` — India, Ireland or
/// Israel?), POSIX rules (`EST5EDT`) and fixed offsets (`GMT+1`, `UTC+01:00`, `Etc/GMT-5`, whose
/// sign is inverted). Those are refused: an abbreviation can mean several places, and an offset
/// cannot follow a place's daylight-saving changes. Accepted are `Area/Location` names the
/// database knows (links such as `Asia/Calcutta` included) and `UTC`; letter case is corrected
/// for names the database lists (`europe/berlin` → `Europe/Berlin`, `utc` → `UTC`).
public struct TimeZoneName: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The name as the API returns it.
    public let identifier: String
    public let zone: TimeZone

    public static let utc = TimeZoneName(identifier: "UTC", zone: .gmt)
    /// Longer than any name in the database (the longest is 32 characters).
    public static let maxLength = 64
    public static let requirement = "must be an IANA time zone name such as Europe/Berlin, or UTC"

    private init(identifier: String, zone: TimeZone) {
        self.identifier = identifier
        self.zone = zone
    }

    /// The zone named by `raw` (surrounding spaces ignored), or nil when it is not accepted.
    public init?(_ raw: String) {
        let name = raw.trimmingCharacters(in: .whitespaces)
        if name.caseInsensitiveCompare("UTC") == .orderedSame {
            self = .utc
            return
        }
        guard name.utf8.count <= Self.maxLength, Self.looksLikeLocation(name) else { return nil }
        if let zone = TimeZone(identifier: name) {
            self.init(identifier: name, zone: zone)
        } else if let listed = Self.listed[name.lowercased()], let zone = TimeZone(identifier: listed) {
            self.init(identifier: listed, zone: zone)
        } else {
            return nil
        }
    }

    public var description: String { identifier }
    public var isUTC: Bool { self == .utc }

    /// `Area/Location[/Sub]` in the database's alphabet, outside the `Etc/` offset area; no empty
    /// or dot segments, so a name can never reach outside the zone files.
    private static func looksLikeLocation(_ name: String) -> Bool {
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count >= 2, segments[0].lowercased() != "etc" else { return false }
        return segments.allSatisfy { segment in
            guard let first = segment.unicodeScalars.first, CharacterSet.letters.contains(first), first.isASCII else { return false }
            return segment.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-+".unicodeScalars.contains($0)) }
        }
    }

    /// The names the database lists, by their lower-case spelling.
    private static let listed: [String: String] = Dictionary(
        TimeZone.knownTimeZoneIdentifiers.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first }
    )

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let name = TimeZoneName(raw) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: Self.requirement)
        }
        self = name
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(identifier)
    }

    public static func == (lhs: TimeZoneName, rhs: TimeZoneName) -> Bool { lhs.identifier == rhs.identifier }
    public func hash(into hasher: inout Hasher) { hasher.combine(identifier) }
}
