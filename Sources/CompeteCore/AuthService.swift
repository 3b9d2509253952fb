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
    let limiter: RateLimiter
    let revocations: TokenRevocations
    let effects: Effects

    /// Verified when an email is unknown (or the password impossible) so that every failure
    /// takes the same time.
    private let decoyHash: String

    public init(
        users: any UserStore, hasher: any PasswordHasher, limiter: RateLimiter, revocations: TokenRevocations,
        effects: Effects, decoyHash: String
    ) {
        self.users = users
        self.hasher = hasher
        self.limiter = limiter
        self.revocations = revocations
        self.effects = effects
        self.decoyHash = decoyHash
    }

    /// Creates an account. `client` is the caller's address, whose sign-up budget the attempt
    /// spends once the input is valid (invalid input costs us nothing); nil for trusted
    /// in-process callers (seeding).
    public func signup(_ input: SignupInput, client: String?) async throws -> User {
        var errors: [FieldError] = []
        let name = (input.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > 100 { errors.append(FieldError("name", "must be 1–100 characters")) } else if Text.hasControlCharacters(name, allowing: Text.joiners) {
            errors.append(FieldError("name", "must not contain control or invisible formatting characters"))
        }
        let email = Credentials.normalizeEmail(input.email ?? "")
        if !Credentials.isPlausibleEmail(email) { errors.append(FieldError("email", "must be a valid email address of at most \(Credentials.maxEmailBytes) characters")) }
        let password = input.password ?? ""
        if let problem = Credentials.passwordProblem(password) { errors.append(FieldError("password", problem)) }
        var role = Role.participant
        if let raw = input.role {
            if let parsed = Role(lenient: raw) { role = parsed } else {
                errors.append(FieldError("role", "must be participant or organizer"))
            }
        }
        guard errors.isEmpty else { throw DomainError.validation(errors) }

        let budget: [(RateLimiter.Key, Budget)] = client.map { [(.signupAddress(client: $0), limiter.limits.signupPerAddress)] } ?? []
        if !budget.isEmpty { try await limiter.spend(budget, now: effects.now()) }
        let passwordHash: String
        do {
            passwordHash = try await hasher.hash(password)
        } catch {
            // Refused before any account was attempted (hashing saturated): not an attempt.
            await limiter.refund(budget.map { $0.0 })
            throw error
        }
        let user = User(id: effects.makeID(), name: name, email: email, role: role, createdAt: effects.now())
        try await users.create(NewUser(user: user, passwordHash: passwordHash))
        return user
    }

    /// Checks credentials. `client` is the caller's address. Every attempt is counted before
    /// the password is verified, against the email + client budget and the client's budget
    /// across all emails (spraying); a success resets the first and takes its attempt back
    /// from the second, so only failures use them up.
    public func login(email rawEmail: String, password: String, client: String) async throws -> User {
        let email = Credentials.normalizeEmail(rawEmail)
        guard email.utf8.count <= Credentials.maxEmailBytes else {
            throw DomainError.invalid("email", "must be at most \(Credentials.maxEmailBytes) characters")
        }
        let account = RateLimiter.Key.loginAccount(email: email, client: client)
        let address = RateLimiter.Key.loginAddress(client: client)
        try await limiter.spend([(account, limiter.limits.loginPerAccount), (address, limiter.limits.loginPerAddress)], now: effects.now())

        let found: (user: User, passwordHash: String)?
        let valid: Bool
        do {
            // An impossible email or password never reaches the store (PostgreSQL refuses a NUL
            // in text) nor bcrypt's verdict; the decoy keeps the time the same.
            if Text.hasControlCharacters(email) || Credentials.isImpossiblePassword(password) {
                found = nil
            } else {
                found = try await users.credentials(email: email)
            }
            valid = try await hasher.verify(password, hash: found?.passwordHash ?? decoyHash)
        } catch {
            // Nothing was verified (hashing saturated, the database down): not a guess.
            await limiter.refund([account, address])
            throw error
        }
        guard let found, valid else { throw DomainError.invalidCredentials }
        await limiter.reset(account)
        await limiter.refund([address])
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
}
