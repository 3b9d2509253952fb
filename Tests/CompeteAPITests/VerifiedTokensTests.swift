@testable import CompeteAPI
import CompeteCore
import Foundation
import Testing

/// Remembered tokens serve only until their own expiry, and the memory is bounded.
@Suite struct VerifiedTokensTests {
    let principal = Principal(userId: UUID(), role: .participant, tokenVersion: 3)

    @Test func anEntryServesUntilItsTokenExpires() {
        let tokens = VerifiedTokens()
        let expiry = Date(timeIntervalSince1970: 1_000)
        tokens.remember("t", .init(principal: principal, expiresAt: expiry))
        #expect(tokens.principal(of: "t", now: expiry.addingTimeInterval(-1)) == principal)
        #expect(tokens.principal(of: "t", now: expiry) == nil, "expired at its exp, as jwt-kit decides")
        #expect(tokens.principal(of: "t ", now: expiry.addingTimeInterval(-1)) == nil, "only the very same token")
    }

    @Test func theMemoryStartsOverWhenFull() {
        let tokens = VerifiedTokens()
        let later = Date().addingTimeInterval(3_600)
        for index in 0..<VerifiedTokens.capacity {
            tokens.remember("t\(index)", .init(principal: principal, expiresAt: later))
        }
        #expect(tokens.principal(of: "t0", now: Date()) == principal)
        tokens.remember("one more", .init(principal: principal, expiresAt: later))
        #expect(tokens.principal(of: "t0", now: Date()) == nil)
        #expect(tokens.principal(of: "one more", now: Date()) == principal)
    }
}
