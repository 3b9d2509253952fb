@testable import CompeteCore
import Foundation
import Testing

/// Time-zone names, local times typed by organizers (daylight-saving gaps and overlaps), and
/// how times read on pages and in messages.
@Suite struct LocalTimeTests {
    let berlin = TimeZoneName("Europe/Berlin")!
    let kolkata = TimeZoneName("Asia/Kolkata")!
    let stJohns = TimeZoneName("America/St_Johns")!

    func utc(_ text: String) -> Date {
        (try? Date(text, strategy: .iso8601)) ?? .distantPast
    }

    @Test func acceptsLocationNamesAndUTC() {
        for name in ["Europe/Berlin", "Asia/Kolkata", "America/St_Johns", "America/Argentina/Buenos_Aires", "Asia/Calcutta", "Australia/Lord_Howe"] {
            #expect(TimeZoneName(name)?.identifier == name, "\(name)")
        }
        #expect(TimeZoneName("UTC") == .utc && TimeZoneName("utc") == .utc && TimeZoneName(" UTC ") == .utc)
        #expect(TimeZoneName("europe/berlin")?.identifier == "Europe/Berlin", "letter case is corrected")
        #expect(TimeZoneName("  Europe/Berlin ")?.identifier == "Europe/Berlin")
    }

    /// Foundation on Linux accepts all of these; each is ambiguous or cannot follow a place's
    /// daylight-saving rules, or is no zone at all.
    @Test func refusesAbbreviationsOffsetsAndNonsense() {
        for name in ["CET", "EST", "IST", "PST", "GMT", "EST5EDT", "GMT+1", "UTC+01:00", "+01:00", "Etc/GMT-5", "etc/utc", "Z",
                     "", " ", "Mars/Olympus", "Europe/Berlin/", "/Europe/Berlin", "Europe//Berlin", "Europe/../../etc/passwd",
                     "Europe/Ber lin", "Europe/Berlin\u{0}", "Europe/Bérlin", String(repeating: "A/", count: 40) + "B"] {
            #expect(TimeZoneName(name) == nil, "\(name.debugDescription)")
        }
    }

    @Test func readsLocalTimesInTheZone() {
        #expect(LocalTime.read("2026-12-01T19:00", in: berlin) == .instant(utc("2026-12-01T18:00:00Z")))
        #expect(LocalTime.read("2026-07-01T19:00", in: berlin) == .instant(utc("2026-07-01T17:00:00Z")))
        #expect(LocalTime.read("2026-12-01T18:00", in: kolkata) == .instant(utc("2026-12-01T12:30:00Z")))
        #expect(LocalTime.read("2026-07-01T12:00", in: stJohns) == .instant(utc("2026-07-01T14:30:00Z")), "NDT, UTC-2:30")
        #expect(LocalTime.read("2026-01-15T12:00:30", in: stJohns) == .instant(utc("2026-01-15T15:30:30Z")), "NST, UTC-3:30")
        #expect(LocalTime.read("2026-12-01T18:00", in: .utc) == .instant(utc("2026-12-01T18:00:00Z")))
        #expect(LocalTime.read("2026-12-01T18:00:00+05:30", in: berlin) == .instant(utc("2026-12-01T12:30:00Z")), "an explicit offset wins")
    }

    /// Berlin skips 02:00–03:00 on 29 March 2026: such a time is refused, not moved.
    @Test func aSkippedTimeDoesNotExist() {
        #expect(LocalTime.read("2026-03-29T02:30", in: berlin) == .nonexistent)
        #expect(LocalTime.read("2026-03-29T02:00", in: berlin) == .nonexistent)
        #expect(LocalTime.read("2026-03-29T01:59", in: berlin) == .instant(utc("2026-03-29T00:59:00Z")))
        #expect(LocalTime.read("2026-03-29T03:00", in: berlin) == .instant(utc("2026-03-29T01:00:00Z")))
        #expect(LocalTime.read("2026-03-08T02:30", in: stJohns) == .nonexistent, "St. John's springs forward at 02:00 too")
    }

    /// Berlin repeats 02:00–03:00 on 25 October 2026: the earlier instant (still summer time) is
    /// meant, as RFC 5545 reads such times, and the offset on the page tells which it is.
    @Test func aRepeatedTimeIsTheEarlierInstant() {
        #expect(LocalTime.read("2026-10-25T02:30", in: berlin) == .instant(utc("2026-10-25T00:30:00Z")))
        #expect(LocalTime.read("2026-10-25T03:00", in: berlin) == .instant(utc("2026-10-25T02:00:00Z")))
        #expect(LocalTime.read("2026-10-25T01:59", in: berlin) == .instant(utc("2026-10-24T23:59:00Z")))
        #expect(LocalTime.short(utc("2026-10-25T00:30:00Z"), in: berlin) == "Sun 25 Oct 2026, 02:30 UTC+2")
        #expect(LocalTime.short(utc("2026-10-25T01:30:00Z"), in: berlin) == "Sun 25 Oct 2026, 02:30 UTC+1")
    }

    @Test func refusesWhatIsNoDateAndTime() {
        for text in ["", "tomorrow", "2026-02-30T10:00", "2026-13-01T10:00", "2026-12-01T24:00", "2026-12-01T10:60",
                     "2026-12-01 10:00", "2026-12-01T10", "2026-12-1T10:00", "2026-12-01T10:00:00:00", "-2026-12-01T10:00"] {
            #expect(LocalTime.read(text, in: berlin) == .invalid, "\(text.debugDescription)")
        }
        #expect(LocalTime.read("2028-02-29T10:00", in: berlin) != .invalid, "a leap day exists")
    }

    @Test func showsTimesOnTheZonesClockWithItsOffset() {
        let instant = utc("2026-12-01T18:00:00Z")
        #expect(LocalTime.short(instant, in: .utc) == "Tue 1 Dec 2026, 18:00 UTC")
        #expect(LocalTime.short(instant, in: berlin) == "Tue 1 Dec 2026, 19:00 UTC+1")
        #expect(LocalTime.short(instant, in: kolkata) == "Tue 1 Dec 2026, 23:30 UTC+5:30")
        #expect(LocalTime.short(instant, in: stJohns) == "Tue 1 Dec 2026, 14:30 UTC-3:30")
        #expect(LocalTime.long(instant, in: berlin) == "Tuesday, 1 December 2026, 19:00 UTC+1 (Europe/Berlin)")
        #expect(LocalTime.long(instant, in: .utc) == "Tuesday, 1 December 2026, 18:00 UTC")
        #expect(LocalTime.inputValue(instant, in: kolkata) == "2026-12-01T23:30")
        // What the form shows reads back as the same instant.
        for zone in [berlin, kolkata, stJohns, .utc] {
            #expect(LocalTime.read(LocalTime.inputValue(instant, in: zone), in: zone) == .instant(instant))
        }
    }

    @Test func statusIsUpcomingBeforeTheOpening() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var c = Competition(
            id: UUID(), title: "T", description: "", tags: [], capacity: 1, registeredCount: 0, waitlistCapacity: 0,
            waitlistCount: 0, regDeadline: now.addingTimeInterval(3600), startDate: now.addingTimeInterval(7200),
            organizerId: UUID(), organizerName: "O", createdAt: now, updatedAt: now, opensAt: now.addingTimeInterval(1)
        )
        #expect(c.status(at: now) == .upcoming)
        #expect(c.status(at: now.addingTimeInterval(1)) == .open, "open at the opening instant itself")
        c.registeredCount = 1
        #expect(c.status(at: now.addingTimeInterval(1)) == .full)
        #expect(c.status(at: now.addingTimeInterval(3600)) == .closed)
    }

    @Test func opensAtMustComeBeforeTheDeadlineAndZonesAreChecked() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let deadline = now.addingTimeInterval(3600)
        func fields(_ draft: CompetitionDraft) -> [String] {
            do {
                _ = try CompetitionContent.validate(draft, now: now)
                return []
            } catch DomainError.validation(let errors) {
                return errors.map(\.field)
            } catch {
                return ["unexpected"]
            }
        }
        #expect(fields(CompetitionDraft(title: "T", capacity: 1, regDeadline: deadline, opensAt: deadline)) == ["opensAt"])
        #expect(fields(CompetitionDraft(title: "T", capacity: 1, regDeadline: deadline, timeZone: "CET")) == ["timezone"])
        #expect(fields(CompetitionDraft(title: "", capacity: 1, timeZone: "Nowhere/Land")).sorted() == ["regDeadline", "timezone", "title"])
        let content = try CompetitionContent.validate(
            CompetitionDraft(title: "T", capacity: 1, regDeadline: deadline, timeZone: "Asia/Kolkata", opensAt: now.addingTimeInterval(-60)), now: now
        )
        #expect(content.timeZone == kolkata && content.opensAt == now.addingTimeInterval(-60), "an opening in the past is simply open")
        #expect(try content.applying(CompetitionDraft(opensAt: .some(nil)), now: now).opensAt == nil, "null clears it")
        #expect(try content.applying(CompetitionDraft(title: "U"), now: now).opensAt == now.addingTimeInterval(-60), "absent keeps it")
        #expect(throws: DomainError.self) { try content.applying(CompetitionDraft(regDeadline: now.addingTimeInterval(-120)), now: now) }
        #expect(throws: DomainError.self) { try content.applying(CompetitionDraft(timeZone: "GMT+1"), now: now) }
    }

    /// Refusals are stored under idempotency keys: the plain ones keep their old encoding, and
    /// `notOpen` carries its instant and zone exactly.
    @Test func rejectionsRoundTripAndOldOnesStillDecode() throws {
        let notOpen = RegistrationRejection.notOpen(opensAt: Date(timeIntervalSince1970: 1_800_000_000.25), timeZone: berlin)
        for rejection in [notOpen, .closed, .full, .notFound, .alreadyRegistered] {
            let stored = try StoredOutcome(RegistrationOutcome.refused(rejection))
            #expect(try stored.decode(RegistrationOutcome.self) == .refused(rejection))
        }
        let old = StoredOutcome(bytes: Array(#"{"refused":{"_0":"closed"}}"#.utf8))
        #expect(try old.decode(RegistrationOutcome.self) == .refused(.closed))
    }
}

/// A competition stored under an idempotency key before time zones existed still replays.
@Suite struct StoredCompetitionTests {
    @Test func aCompetitionStoredBeforeTimeZonesDecodesAsUTC() throws {
        let old = #"{"value":{"capacity":5,"createdAt":0,"description":"","id":"3D9F2A1E-5B6C-4D7E-8F90-A1B2C3D4E5F6","organizerId":"6F1C2B3A-8D4E-4F5A-9B6C-7D8E9F0A1B2C","organizerName":"O","regDeadline":100,"registeredCount":0,"startDate":200,"tags":[],"title":"T","updatedAt":0,"waitlistCapacity":0,"waitlistCount":0}}"#
        let competition = try StoredOutcome(bytes: Array(old.utf8)).decode(Created<Competition>.self).value
        #expect(competition.timeZone == .utc && competition.opensAt == nil && competition.title == "T")
        var zoned = competition
        zoned.timeZone = TimeZoneName("Asia/Kolkata") ?? .utc
        zoned.opensAt = Date(timeIntervalSinceReferenceDate: 50.5)
        #expect(try StoredOutcome(Created(zoned)).decode(Created<Competition>.self).value == zoned)
    }
}
