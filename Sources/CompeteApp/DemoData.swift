import CompeteCore
import Foundation
import Logging

/// The demo organizers, participants and competitions of API.md. Safe to run repeatedly:
/// existing users and competitions (same organizer and title) are left as they are.
enum DemoData {
    /// Published in API.md and the README: anyone can log in with it.
    static let password = "password123"

    /// The demo accounts' password for `config`. Production refuses the published one: a
    /// deployment seeded by mistake would open organizer accounts to anyone who read the README.
    static func password(for config: AppConfig) throws -> String {
        let chosen = config.demoPassword ?? password
        if config.isProduction, chosen == password {
            throw AppConfig.Invalid(description: "refusing to seed demo accounts with the published demo password in production; set DEMO_PASSWORD to a password of your own, or SEED_DEMO_DATA=false")
        }
        return chosen
    }

    static let users: [(name: String, email: String, role: Role)] = [
        ("Olivia Organizer", "org1@compete.com", .organizer),
        ("Oscar Organizer", "org2@compete.com", .organizer),
    ] + (1...5).map { ("Demo User \($0)", "user\($0)@compete.com", .participant) }

    /// Design Showdown happens in Berlin, so its pages and messages show Berlin's clock.
    static let competitions: [(title: String, capacity: Int, organizer: String, tags: [String], description: String, timeZone: String)] = [
        ("Local Marathon 5K", 100, "org1@compete.com", ["running", "outdoor"], "A friendly 5 km run through the city park.", "UTC"),
        ("Code Challenge 2026", 50, "org1@compete.com", ["coding", "online"], "Solve algorithmic puzzles against the clock.", "UTC"),
        ("Design Showdown", 20, "org2@compete.com", ["design", "creative"], "Design a poster on a theme revealed at the start.", "Europe/Berlin"),
        ("Gaming Tournament", 500, "org2@compete.com", ["gaming", "esports"], "Single-elimination bracket, best of three.", "UTC"),
        ("Photography Contest", 30, "org1@compete.com", ["photography", "creative"], "One photo, one theme, one week.", "UTC"),
    ]

    /// The Code Challenge shows a registration form: a school email proves eligibility, a
    /// T-shirt size, and rules to accept.
    static let codeChallengeForm: (questions: JSONValue, rules: String) = (
        .array([
            .object([
                "id": .string("school_email"), "label": .string("School email"), "type": .string("email"), "required": .bool(true),
                "allowedDomains": .array([.string("school.edu"), .string("uni.example")]),
            ]),
            .object([
                "id": .string("shirt"), "label": .string("T-shirt size"), "type": .string("choice"), "required": .bool(true),
                "options": .array(["XS", "S", "M", "L", "XL"].map(JSONValue.string)),
            ]),
        ]),
        """
        1. Teams of one: solve the puzzles on your own.
        2. Any language the judge supports; no AI assistants.
        3. Be kind in the chat. The judges' decisions are final.
        """
    )

    static func seed(
        auth: AuthService, competitions service: CompetitionService, users store: any UserStore, password: String, now: Date, logger: Logger
    ) async throws {
        var created = 0
        for demo in users {
            do {
                _ = try await auth.signup(SignupInput(name: demo.name, email: demo.email, password: password, role: demo.role.rawValue), client: nil)
                created += 1
            } catch DomainError.emailTaken {
                continue
            }
        }
        for demo in competitions {
            guard let organizer = try await store.credentials(email: demo.organizer)?.user else { continue }
            let principal = Principal(userId: organizer.id, role: organizer.role)
            let existing = try await service.mine(principal, CompetitionQuery(search: demo.title, limit: 100))
            guard !existing.items.contains(where: { $0.title == demo.title }) else { continue }
            let form = demo.title == "Code Challenge 2026" ? codeChallengeForm : nil
            _ = try await service.create(by: principal, CompetitionDraft(
                title: demo.title, description: demo.description, tags: demo.tags, capacity: demo.capacity,
                regDeadline: now.addingTimeInterval(7 * 86400), startDate: now.addingTimeInterval(8 * 86400),
                questions: form?.questions, rules: form.map { .some($0.rules) }, timeZone: demo.timeZone
            ))
            created += 1
        }
        logger.info("demo data ready", metadata: ["created": "\(created)"])
    }
}
