import Foundation

public struct SignupInput: Sendable {
    public var name: String?
    public var email: String?
    public var password: String?
    public var role: String?

    public init(name: String?, email: String?, password: String?, role: String?) {
        self.name = name
        self.email = email
        self.password = password
        self.role = role
    }
}

/// Sign-up, login and identity lookups.
public struct AuthService: Sendable {
    let users: any UserStore
    let hasher: any PasswordHasher
    let limiter: any LoginRateLimiter
    let revocations: TokenRevocations
    let effects: Effects

    /// Verified when an email is unknown so that both failures take the same time.
    private let decoyHash: String

    public init(
        users: any UserStore, hasher: any PasswordHasher, limiter: any LoginRateLimiter, revocations: TokenRevocations,
        effects: Effects, decoyHash: String
    ) {
        self.users = users
        self.hasher = hasher
        self.limiter = limiter
        self.revocations = revocations
        self.effects = effects
        self.decoyHash = decoyHash
    }

    public func signup(_ input: SignupInput) async throws -> User {
        var errors: [FieldError] = []
        let name = (input.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > 100 { errors.append(FieldError("name", "must be 1–100 characters")) } else if Text.hasControlCharacters(name) {
            errors.append(FieldError("name", "must not contain control characters"))
        }
        let email = Self.normalizeEmail(input.email ?? "")
        if !Self.isPlausibleEmail(email) { errors.append(FieldError("email", "must be a valid email address")) }
        let password = input.password ?? ""
        if password.count < 8 { errors.append(FieldError("password", "must be at least 8 characters")) }
        if password.utf8.count > 72 { errors.append(FieldError("password", "must be at most 72 bytes")) }
        var role = Role.participant
        if let raw = input.role {
            if let parsed = Role(lenient: raw) { role = parsed } else {
                errors.append(FieldError("role", "must be participant or organizer"))
            }
        }
        guard errors.isEmpty else { throw DomainError.validation(errors) }

        let user = User(id: effects.makeID(), name: name, email: email, role: role, createdAt: effects.now())
        try await users.create(NewUser(user: user, passwordHash: try await hasher.hash(password)))
        return user
    }

    /// Checks credentials. `client` identifies the caller (its address) for rate limiting, which
    /// counts failures per email + client.
    public func login(email rawEmail: String, password: String, client: String) async throws -> User {
        let email = Self.normalizeEmail(rawEmail)
        let throttleKey = "\(email)|\(client)"
        if let wait = try await limiter.blockedFor(throttleKey, now: effects.now()) {
            throw DomainError.rateLimited(retryAfterSeconds: wait)
        }
        let found = try await users.credentials(email: email)
        let valid = try await hasher.verify(password, hash: found?.passwordHash ?? decoyHash)
        guard let found, valid else {
            try await limiter.recordFailure(throttleKey, now: effects.now())
            throw DomainError.invalidCredentials
        }
        try await limiter.reset(throttleKey)
        return found.user
    }

    /// Ends the caller's sessions: every token of the account issued so far (this one, other
    /// devices, the web session) is refused from now on, by every instance (see
    /// `TokenRevocations` for how soon).
    public func logout(_ principal: Principal) async throws {
        try await revocations.revoke(userId: principal.userId)
    }

    /// The user behind a verified token; a token for a deleted user is no longer valid.
    public func user(for principal: Principal) async throws -> User {
        guard let user = try await users.find(id: principal.userId) else { throw DomainError.unauthenticated }
        return user
    }

    static func normalizeEmail(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// Deliberately simple: one `@`, a non-empty local part, a dotted domain, no spaces.
    static func isPlausibleEmail(_ email: String) -> Bool {
        guard email.count <= 254, !email.contains(where: { $0.isWhitespace }) else { return false }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty }
    }
}
