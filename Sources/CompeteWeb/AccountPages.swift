import CompeteAPI
import CompeteCore
import Vapor

/// Sign up, log in, log out.
struct AccountPages: RouteCollection {
    let services: APIServices
    let renderer: PageRenderer
    let session: WebSession

    func boot(routes: any RoutesBuilder) throws {
        routes.get("login", use: loginForm)
        routes.post("login", use: login)
        routes.get("signup", use: signupForm)
        routes.post("signup", use: signup)
        routes.post("logout", use: logout)
    }

    struct LoginPage: Encodable {
        let email: String
        let next: String
        let error: String
    }

    struct LoginForm: Content {
        var email: String?
        var password: String?
        var next: String?
    }

    @Sendable func loginForm(_ req: Request) async throws -> Response {
        let next = LocalPath.safe(req.query[String.self, at: "next"])
        return try await renderer.render(req, "login", title: "Log in", LoginPage(email: "", next: next, error: ""))
    }

    @Sendable func login(_ req: Request) async throws -> Response {
        let form = (try? req.content.decode(LoginForm.self)) ?? LoginForm()
        let next = LocalPath.safe(form.next)
        let email = form.email ?? ""
        do {
            let user = try await services.auth.login(email: email, password: form.password ?? "", client: req.clientAddress)
            let response = Flash(kind: .success, message: "Welcome back, \(user.name).").redirect(to: next)
            try await session.signIn(user, on: response)
            return response
        } catch let error as DomainError {
            let problem = Problem(error)
            let page = LoginPage(email: email, next: next, error: problem.detail)
            return try await renderer.render(req, "login", title: "Log in", page, status: HTTPResponseStatus(statusCode: problem.status))
                .retrying(after: problem)
        }
    }

    struct SignupPage: Encodable {
        let name: String
        let email: String
        let organizer: Bool
        let errors: [String: String]
        var error = ""
    }

    struct SignupForm: Content {
        var name: String?
        var email: String?
        var password: String?
        var role: String?
    }

    @Sendable func signupForm(_ req: Request) async throws -> Response {
        try await renderer.render(req, "signup", title: "Sign up", SignupPage(name: "", email: "", organizer: false, errors: [:]))
    }

    @Sendable func signup(_ req: Request) async throws -> Response {
        let form = (try? req.content.decode(SignupForm.self)) ?? SignupForm()
        do {
            let user = try await services.auth.signup(SignupInput(
                name: form.name, email: form.email, password: form.password, role: form.role ?? "participant"
            ), client: req.clientAddress)
            let response = Flash(kind: .success, message: "Welcome to Mini Compete, \(user.name)!")
                .redirect(to: (user.role == .organizer ? SiteURL.organizerDashboard : SiteURL.home).path)
            try await session.signIn(user, on: response)
            return response
        } catch let error as DomainError {
            var errors = fieldErrors(error)
            if error == .emailTaken { errors["email"] = "An account with this email already exists. Log in instead?" }
            let problem = Problem(error)
            // Not about a field (too many sign-ups, hashing busy): said above the form.
            let general = errors.isEmpty && error != .emailTaken ? problem.detail : ""
            let page = SignupPage(
                name: form.name ?? "", email: form.email ?? "", organizer: form.role == "organizer", errors: errors, error: general
            )
            return try await renderer.render(req, "signup", title: "Sign up", page, status: HTTPResponseStatus(statusCode: problem.status))
                .retrying(after: problem)
        }
    }

    /// Ends the session everywhere, not just in this browser: the cookie's token (a copy may
    /// have been taken) and every other token of the account are refused from now on, by the
    /// API too.
    @Sendable func logout(_ req: Request) async throws -> Response {
        if let principal = await session.principal(req) {
            try await services.auth.logout(principal)
        }
        let response = Flash(kind: .info, message: "You are logged out.").redirect(to: SiteURL.home.path)
        session.signOut(response)
        return response
    }
}

extension Response {
    /// Carries a refused page's `Retry-After` (too many attempts, hashing busy), as the API does.
    func retrying(after problem: Problem) -> Response {
        if let seconds = problem.retryAfter { headers.replaceOrAdd(name: .retryAfter, value: String(seconds)) }
        return self
    }
}
