@testable import CompeteCore
import Foundation
import Testing

@Suite struct CompetitionRulesTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func fields(_ error: any Error) -> [String] {
        guard case DomainError.validation(let errors)? = error as? DomainError else { return [] }
        return errors.map(\.field)
    }

    @Test func createNormalisesAndDefaultsStartDate() throws {
        let content = try CompetitionContent.validate(CompetitionDraft(
            title: "  Cup  ", tags: ["Chess", "chess", "board"], capacity: 8, regDeadline: now.addingTimeInterval(60)
        ), now: now)
        #expect(content.title == "Cup")
        #expect(content.tags == ["chess", "board"])
        #expect(content.startDate == content.regDeadline)
        #expect(content.description == "")
    }

    @Test func createReportsEveryProblemAtOnce() {
        do {
            _ = try CompetitionContent.validate(CompetitionDraft(title: "", tags: ["no way"], capacity: 0), now: now)
            Issue.record("expected a validation error")
        } catch {
            #expect(Set(fields(error)) == ["title", "tags", "capacity", "regDeadline"])
        }
    }

    @Test func boundaries() throws {
        let deadline = now.addingTimeInterval(1)
        for capacity in [1, 100_000] {
            #expect(throws: Never.self) { try CompetitionContent.validate(CompetitionDraft(title: "x", capacity: capacity, regDeadline: deadline), now: now) }
        }
        for capacity in [0, -5, 100_001, Int.max] {
            #expect(throws: DomainError.self) { try CompetitionContent.validate(CompetitionDraft(title: "x", capacity: capacity, regDeadline: deadline), now: now) }
        }
        #expect(throws: DomainError.self) { try CompetitionContent.validate(CompetitionDraft(title: "x", capacity: 1, regDeadline: now), now: now) }
        #expect(throws: DomainError.self) {
            try CompetitionContent.validate(CompetitionDraft(title: String(repeating: "t", count: 201), capacity: 1, regDeadline: deadline), now: now)
        }
        let eleven = (0..<11).map { "t\($0)" }
        #expect(throws: DomainError.self) { try CompetitionContent.validate(CompetitionDraft(title: "x", tags: eleven, capacity: 1, regDeadline: deadline), now: now) }
    }

    @Test func patchKeepsUnsentFieldsAndOnlyChecksAChangedDeadline() throws {
        let past = CompetitionContent(title: "Old", description: "d", tags: ["a"], capacity: 5,
                                      regDeadline: now.addingTimeInterval(-60), startDate: now.addingTimeInterval(3600))
        let renamed = try past.applying(CompetitionDraft(title: "New"), now: now)
        #expect(renamed.title == "New" && renamed.capacity == 5 && renamed.tags == ["a"] && renamed.regDeadline == past.regDeadline)
        #expect(throws: DomainError.self) { try past.applying(CompetitionDraft(regDeadline: now.addingTimeInterval(-1)), now: now) }
        #expect(throws: DomainError.self) { try past.applying(CompetitionDraft(startDate: now.addingTimeInterval(-3600)), now: now) }
    }

    @Test func statusFollowsDeadlineThenSeats() {
        var competition = Competition(
            id: UUID(), title: "t", description: "", tags: [], capacity: 2, registeredCount: 1, waitlistCapacity: 0,
            waitlistCount: 0, regDeadline: now.addingTimeInterval(10), startDate: now.addingTimeInterval(20),
            organizerId: UUID(), organizerName: "o", createdAt: now, updatedAt: now
        )
        #expect(competition.status(at: now) == .open && competition.seatsLeft == 1)
        competition.registeredCount = 2
        #expect(competition.status(at: now) == .full && competition.seatsLeft == 0)
        #expect(competition.status(at: now.addingTimeInterval(10)) == .closed)
    }

    @Test func queryValidation() throws {
        #expect(try CompetitionQuery(search: "  ", tags: ["Chess"]).validated().search == nil)
        #expect(try CompetitionQuery(tags: ["Chess"]).validated().tags == ["chess"])
        #expect(throws: DomainError.self) { try CompetitionQuery(limit: 101).validated() }
        #expect(throws: DomainError.self) { try CompetitionQuery(page: 0).validated() }
        #expect(CompetitionQuery(page: 3, limit: 20).offset == 40)
    }
}
