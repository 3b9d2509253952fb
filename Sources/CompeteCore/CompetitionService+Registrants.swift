import Foundation
import Synchronization

extension CompetitionService {
    /// A page of the registrants of a competition, for its own organizer only (emails are
    /// private): the active ones (confirmed, waitlisted, pending), or those of one status. The
    /// total is the competition's own counts: no rows are counted, except declined ones.
    public func registrants(
        by principal: Principal, competitionId: UUID, status: RegistrationStatus? = nil,
        page: PageRequest = PageRequest(limit: Self.registrantsPageSize)
    ) async throws -> (Competition, Page<Registrant>) {
        let page = try page.validated(maxLimit: 1_000)
        if status == .cancelled { throw DomainError.invalid("status", "must be confirmed, waitlisted, pending or declined") }
        let competition = try await ownCompetition(by: principal, competitionId)
        let items = try await competitions.registrants(competitionId: competitionId, status: status, page: page)
        let total = switch status {
        case nil: competition.registeredCount + competition.waitlistCount + competition.pendingCount
        case .confirmed?: competition.registeredCount
        case .waitlisted?: competition.waitlistCount
        case .pending?: competition.pendingCount
        case .declined?, .cancelled?: try await competitions.count(competitionId: competitionId, status: .declined)
        }
        return (competition, Page(items: items, page: page.page, limit: page.limit, total: total))
    }

    /// All the registrants of a competition, for its own organizer only, read a page at a time
    /// as the caller consumes them (the CSV export streams them).
    public func allRegistrants(
        by principal: Principal, competitionId: UUID
    ) async throws -> (Competition, AsyncThrowingStream<[Registrant], any Error>) {
        let competition = try await ownCompetition(by: principal, competitionId)
        let competitions = self.competitions
        let next = PageCursor()
        let pages = AsyncThrowingStream<[Registrant], any Error> {
            guard let page = next.take() else { return nil }
            let items = try await competitions.registrants(competitionId: competitionId, status: nil, page: page)
            if items.count == page.limit { next.advance() } else { next.finish() }
            return items.isEmpty && page.page > 1 ? nil : items
        }
        return (competition, pages)
    }

    /// The default page size of the registrants list (at most 1,000 a page).
    public static let registrantsPageSize = 100

    func ownCompetition(by principal: Principal, _ id: UUID) async throws -> Competition {
        let competition = try await get(id)
        guard principal.role == .organizer, competition.organizerId == principal.userId else {
            throw DomainError.forbidden("only the organizer of this competition may see its registrants")
        }
        return competition
    }
}

/// The next page of an export, moved on as pages are read (the stream's producer is called
/// again only after the previous page was taken).
private final class PageCursor: Sendable {
    private let next = Mutex<PageRequest?>(PageRequest(page: 1, limit: 1_000))

    func take() -> PageRequest? { next.withLock { $0 } }
    func advance() { next.withLock { $0?.page += 1 } }
    func finish() { next.withLock { $0 = nil } }
}
