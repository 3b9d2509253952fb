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
    }

    /// `registeredCount` as the API reports it.
    func registeredCount(_ competitionId: String) async throws -> Int {
        try await expect(200, try request(.GET, "/competitions/\(competitionId)"), as: CompetitionState.self).registeredCount
    }

    /// Confirmed registrations in the organizer's registrants list (read from the table itself).
    func confirmedRegistrants(_ competitionId: String, organizer: Fixtures.Account) async throws -> Int {
        let request = try request(.GET, "/competitions/\(competitionId)/registrations", token: organizer.token)
        return try await expect(200, request, as: Items.self).items.filter { $0.status == "confirmed" }.count
    }
}
