@testable import CompeteAPI
import CompeteCore
import Foundation
import Testing

/// The hand-written response bodies must be byte for byte what `JSONEncoder` (sorted keys,
/// unescaped slashes, `.iso8601`) produced before them: stored idempotent replays and clients
/// comparing bodies depend on it.
@Suite struct JSONWriterTests {
    /// Every ASCII control character, quotes, backslashes, slashes, DEL, and non-ASCII text
    /// (accents, an emoji, a combining mark, U+2028/2029, a BOM, right-to-left script).
    static let awkward = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }.joined()
        + "\"quoted\" back\\slash /path/ \u{7F} café 😀 e\u{301} \u{2028}\u{2029}\u{FEFF} שלום </script>"

    static let dates: [Date] = [
        Date(timeIntervalSince1970: 0),
        Date(timeIntervalSince1970: 1_798_761_600),          // 2027-01-01T00:00:00Z
        Date(timeIntervalSince1970: 1_800_000_000.9996),     // fractions round down
        Date(timeIntervalSince1970: 1_709_164_800 + 86_399), // 2024-02-29T23:59:59Z, leap day
        Date(timeIntervalSince1970: 951_782_400),            // 2000-02-29
        Date(timeIntervalSince1970: -1.5),                   // before 1970
        Date(timeIntervalSince1970: 253_402_300_799),        // 9999-12-31T23:59:59Z
    ]

    static func competition(title: String, description: String, tags: [String], date: Date, registered: Int) -> Competition {
        Competition(
            id: UUID(), title: title, description: description, tags: tags, capacity: 100_000,
            registeredCount: registered, waitlistCapacity: 0, waitlistCount: Int.max, regDeadline: date,
            startDate: date.addingTimeInterval(3_661.5), organizerId: UUID(), organizerName: awkward,
            createdAt: date.addingTimeInterval(-86_400 * 400), updatedAt: date.addingTimeInterval(0.25),
            timeZone: registered.isMultiple(of: 2) ? .utc : TimeZoneName("America/St_Johns") ?? .utc,
            opensAt: registered.isMultiple(of: 3) ? nil : date.addingTimeInterval(-0.5)
        )
    }

    static var competitions: [Competition] {
        dates.enumerated().map { index, date in
            competition(
                title: index.isMultiple(of: 2) ? awkward : "", description: index.isMultiple(of: 3) ? "" : awkward,
                tags: index.isMultiple(of: 2) ? [] : [awkward, "", "a/b", "😀"], date: date, registered: index * 50_000 - 1
            )
        }
    }

    @Test func competitionMatchesJSONEncoder() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        for competition in Self.competitions {
            let response = CompetitionResponse(competition, now: now)
            #expect(APIJSON.encode(response) == APIJSON.foundationEncode(response))
        }
    }

    /// Forms: every question type with its settings, awkward labels, rules set and unset.
    @Test func competitionsWithFormsMatchJSONEncoder() {
        let questions: [Question] = [
            Question(id: "t", label: Self.awkward, type: .text, required: true, maxLength: 500),
            Question(id: "n", label: "N", type: .number, min: .number(-2.5), max: .number(1e15)),
            Question(id: "c", label: "C", type: .choice, options: [Self.awkward, "a/b"]),
            Question(id: "m", label: "M", type: .multiChoice, required: true, options: ["x", "😀"]),
            Question(id: "b", label: "B", type: .checkbox),
            Question(id: "e", label: "E", type: .email, allowedDomains: ["school.edu"]),
            Question(id: "d", label: "D", type: .date, min: .date("1990-01-01"), max: .date("2010-12-31")),
        ]
        for (index, var competition) in Self.competitions.enumerated() {
            competition.form = RegistrationForm(
                questions: index.isMultiple(of: 2) ? questions : [], rules: index.isMultiple(of: 3) ? nil : Self.awkward,
                requiresApproval: index.isMultiple(of: 2)
            )
            let response = CompetitionResponse(competition, now: Date())
            #expect(APIJSON.encode(response) == APIJSON.foundationEncode(response))
        }
    }

    @Test func pagesMatchJSONEncoder() {
        let items = Self.competitions.map { CompetitionResponse($0, now: Date()) }
        for page in [PageResponse(items: items, page: 3, limit: 100, total: -1), PageResponse(items: [], page: 1, limit: 20, total: 0)] {
            let written = APIJSON.encode(page)
            #expect(written == APIJSON.foundationEncode(page))
            #expect(String(decoding: written, as: UTF8.self).hasPrefix(page.items.isEmpty ? "{\"items\":[]," : "{\"items\":[{\"capacity\":"))
        }
    }

    @Test func registrationsMatchJSONEncoder() {
        for (index, date) in Self.dates.enumerated() {
            for position in [nil, 1, 99_999] as [Int?] {
                let receipt = RegistrationReceipt(
                    registrationId: UUID(), competitionId: UUID(), status: index.isMultiple(of: 2) ? .confirmed : .waitlisted,
                    position: position, registeredAt: date
                )
                let response = RegistrationResponse(receipt)
                #expect(APIJSON.encode(response) == APIJSON.foundationEncode(response))
            }
        }
    }
}
