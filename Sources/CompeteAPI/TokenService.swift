import CompeteCore
import JWTKit
import Vapor

/// Issues and verifies HS256 bearer tokens carrying `sub`, `role`, `ver` (the account's token
/// generation), `iat` and `exp`.
public struct TokenService: Sendable {
    private let keys: JWTKeyCollection
    private let ttl: TimeInterval
    private let now: @Sendable () -> Date
    private let revocations: TokenRevocations?
    private let verified = VerifiedTokens()

    /// Minimum secret length; jwt-kit would trap on shorter HMAC keys.
    public static let minimumSecretBytes = 32
    /// The only algorithm accepted.
    static let algorithm = "HS256"

    /// `revocations`: the logouts to honour; nil only for a service that issues tokens (tests).
    public init(secret: String, ttl: TimeInterval, now: @escaping @Sendable () -> Date, revocations: TokenRevocations? = nil) async {
        precondition(secret.utf8.count >= Self.minimumSecretBytes, "JWT secret must be validated at start-up")
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.ttl = ttl
        self.now = now
        self.revocations = revocations
    }

    struct Payload: JWTPayload {
        var sub: SubjectClaim
        var role: String
        /// Absent in tokens issued before logout could end them: generation 0.
        var ver: Int?
        var iat: IssuedAtClaim
        var exp: ExpirationClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    public func issue(for user: User) async throws -> String {
        let issuedAt = now()
        let payload = Payload(
            sub: SubjectClaim(value: user.id.uuidString.lowercased()), role: user.role.rawValue, ver: user.tokenVersion,
            iat: IssuedAtClaim(value: issuedAt), exp: ExpirationClaim(value: issuedAt.addingTimeInterval(ttl))
        )
        return try await keys.sign(payload)
    }

    /// The principal of a valid token that logging out has not ended; any defect (algorithm,
    /// signature, expiry, claims, revoked) is 401.
    public func verify(_ token: String) async throws -> Principal {
        let principal = try await verifiedPrincipal(token)
        if let revocations, !(try await revocations.accepts(principal)) { throw DomainError.unauthenticated }
        return principal
    }

    /// The token's principal when its algorithm, signature and claims hold; each token is
    /// checked once and then remembered until it expires (`VerifiedTokens`).
    private func verifiedPrincipal(_ token: String) async throws -> Principal {
        // Expiry in real time, as jwt-kit's `verifyNotExpired` checks it.
        if let principal = verified.principal(of: token, now: Date()) { return principal }
        // jwt-kit picks the key by `kid` and never compares the header's `alg` with it: a token
        // saying `none` or `HS512` over a valid HS256 signature would pass. Refuse it here.
        guard Self.headerAlgorithm(of: token) == Self.algorithm else { throw DomainError.unauthenticated }
        let payload: Payload
        do {
            payload = try await keys.verify(token, as: Payload.self)
        } catch {
            throw DomainError.unauthenticated
        }
        guard let id = UUID(uuidString: payload.sub.value), let role = Role(rawValue: payload.role) else {
            throw DomainError.unauthenticated
        }
        let principal = Principal(userId: id, role: role, tokenVersion: payload.ver ?? 0)
        verified.remember(token, VerifiedTokens.Entry(principal: principal, expiresAt: payload.exp.value))
        return principal
    }

    /// The `alg` of a compact JWS header, nil when the header is not base64url JSON.
    static func headerAlgorithm(of token: String) -> String? {
        guard let encoded = token.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first,
              encoded.utf8.count <= 1024 else { return nil }
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
              let header = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return header["alg"] as? String
    }
}

extension Request {
    /// A path parameter that must be a UUID; anything else names no resource (404).
    public func uuidParameter(_ name: String) throws -> UUID {
        guard let raw = parameters.get(name), let id = UUID(uuidString: raw) else { throw DomainError.notFound }
        return id
    }
}
