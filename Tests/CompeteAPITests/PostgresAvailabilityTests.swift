import Foundation
import Testing

/// Makes a missing PostgreSQL visible: this test is reported as skipped when the PostgreSQL
/// variants of the integration tests are not running, and fails in CI (MC_REQUIRE_POSTGRES=1).
@Suite struct PostgresAvailabilityTests {
    @Test("PostgreSQL variants of the integration tests run", .enabled(if: Backend.postgresAdminURL != nil || ProcessInfo.processInfo.environment["MC_REQUIRE_POSTGRES"] == "1"))
    func postgresConfigured() async throws {
        let url = try #require(Backend.postgresAdminURL, "MC_REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set")
        let database = try await PostgresTestDatabase.create()
        try await database.drop()
        #expect(!url.isEmpty)
    }
}
