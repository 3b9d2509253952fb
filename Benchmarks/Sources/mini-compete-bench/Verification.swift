/// Checks that the database holds exactly what the answers promised: no oversell, none lost.
struct Verification: Sendable {
    struct Check: Sendable {
        let what: String
        let expected: Int
        let actual: Int
        var holds: Bool { expected == actual }
    }

    private(set) var checks: [Check] = []

    var holds: Bool { checks.allSatisfy(\.holds) }

    mutating func expect(_ what: String, _ actual: Int, equals expected: Int) {
        checks.append(Check(what: what, expected: expected, actual: actual))
    }
}

extension APIClient {
    private struct Items: Decodable {
        struct Item: Decodable { let status: String }
        let items: [Item]
        /// Absent before the list was paged (a baseline binary answers everything at once).
        let total: Int?
    }

    /// `registeredCount` as the API reports it.
    func registeredCount(_ competitionId: String) async throws -> Int {
        try await expect(200, try request(.GET, "/competitions/\(competitionId)"), as: CompetitionState.self).registeredCount
    }

    /// Confirmed registrations in the organizer's registrants list (read from the table itself),
    /// page by page.
    func confirmedRegistrants(_ competitionId: String, organizer: Fixtures.Account) async throws -> Int {
        var confirmed = 0
        var seen = 0
        for page in 1... {
            let path = "/competitions/\(competitionId)/registrations?page=\(page)&limit=1000"
            let answer = try await expect(200, try request(.GET, path, token: organizer.token), as: Items.self)
            confirmed += answer.items.filter { $0.status == "confirmed" }.count
            seen += answer.items.count
            guard let total = answer.total, seen < total, !answer.items.isEmpty else { return confirmed }
        }
        return confirmed
    }
}
