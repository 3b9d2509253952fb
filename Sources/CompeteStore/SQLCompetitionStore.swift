import CompeteCore
import Foundation
import SQLKit

public struct SQLCompetitionStore: CompetitionStore {
    let context: SQLContext

    public init(context: SQLContext) {
        self.context = context
    }

    public func create(
        _ content: CompetitionContent, id: UUID, organizerId: UUID, now: Date, lease: IdempotencyLease?
    ) async throws -> Competition {
        try await context.transaction(touchingCompetitions: true) { sql in
            try await sql.raw("""
                INSERT INTO competitions (id, title, description, tags, capacity, waitlist_capacity, reg_deadline,
                                          start_date, organizer_id, created_at, updated_at, questions, rules, requires_approval,
                                          time_zone, opens_at, team_min, team_max)
                VALUES (\(bind: id), \(bind: content.title), \(bind: content.description),
                        \(bind: CompetitionRow.encodeTags(content.tags)), \(bind: content.capacity),
                        \(bind: content.waitlistCapacity), \(bind: content.regDeadline), \(bind: content.startDate),
                        \(bind: organizerId), \(bind: now), \(bind: now), \(bind: CompetitionRow.encodeQuestions(content.form.questions)),
                        \(bind: content.form.rules), \(bind: content.form.requiresApproval ? 1 : 0),
                        \(bind: content.timeZone.identifier), \(bind: content.opensAt),
                        \(bind: content.teamSize?.min), \(bind: content.teamSize?.max))
                """).run()
            guard let competition = try await Self.find(id: id, on: sql, lock: "") else {
                throw DomainError.notFound
            }
            if let lease {
                try await SQLIdempotencyStore.complete(lease, with: try StoredOutcome(Created(competition)), on: sql)
            }
            return competition
        }
    }

    /// The public single read: a prepared statement on PostgreSQL.
    public func find(id: UUID) async throws -> Competition? {
        try await context.sql.prepared(Self.select(id: id, lock: ""))
            .first.map(CompetitionRow.init)?.competition
    }

    static func find(id: UUID, on sql: any SQLDatabase, lock: String) async throws -> Competition? {
        try await sql.raw(select(id: id, lock: lock)).first(decoding: CompetitionRow.self, with: .snakeCase)?.competition
    }

    private static func select(id: UUID, lock: String) -> SQLQueryString {
        """
        SELECT \(unsafeRaw: CompetitionRow.columns) FROM \(unsafeRaw: CompetitionRow.from)
        WHERE c.id = \(bind: id)\(unsafeRaw: lock)
        """
    }

    /// The public list and its count, prepared on PostgreSQL: one text per combination of
    /// filters (a few shapes; `PreparedStatements` bounds them).
    public func list(_ query: CompetitionQuery, now: Date) async throws -> Page<Competition> {
        let filter = self.filter(query, now: now)
        let rows = try await context.sql.prepared("""
            SELECT \(unsafeRaw: CompetitionRow.columns) FROM \(unsafeRaw: CompetitionRow.from)
            WHERE \(filter)
            ORDER BY c.start_date, c.reg_deadline, c.id
            LIMIT \(bind: query.limit) OFFSET \(bind: query.offset)
            """).map { try CompetitionRow($0).competition }
        let total = try await context.sql.prepared("""
            SELECT COUNT(*) AS total FROM competitions c WHERE \(filter)
            """).first?.decode(column: "total", as: Int.self) ?? 0
        return Page(items: rows, page: query.page, limit: query.limit, total: total)
    }

    private func filter(_ query: CompetitionQuery, now: Date) -> SQLQueryString {
        var clauses: [SQLQueryString] = ["1 = 1"]
        if let search = query.search {
            let pattern = "%" + Self.escapeLike(search) + "%"
            let like = context.flavor.ilike
            clauses.append("""
                (c.title \(unsafeRaw: like) \(bind: pattern) ESCAPE '\\' OR c.description \(unsafeRaw: like) \(bind: pattern) ESCAPE '\\')
                """)
        }
        for tag in query.tags {
            clauses.append("c.tags LIKE \(bind: "%," + Self.escapeLike(tag) + ",%") ESCAPE '\\'")
        }
        // As `Competition.status(at:)` decides, in the same order: closed, upcoming, full, open.
        let opened: SQLQueryString = "(c.opens_at IS NULL OR c.opens_at <= \(bind: now))"
        switch query.status {
        case .upcoming?: clauses.append("c.reg_deadline > \(bind: now) AND c.opens_at > \(bind: now)")
        case .open?: clauses.append("c.reg_deadline > \(bind: now) AND \(opened) AND c.registered_count < c.capacity")
        case .full?: clauses.append("c.reg_deadline > \(bind: now) AND \(opened) AND c.registered_count >= c.capacity")
        case .closed?: clauses.append("c.reg_deadline <= \(bind: now)")
        case nil: break
        }
        if let organizerId = query.organizerId {
            clauses.append("c.organizer_id = \(bind: organizerId)")
        }
        return clauses.joined(separator: " AND ")
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

    public func update(
        id: UUID, now: Date, readingUsage: Bool,
        _ change: @escaping @Sendable (Competition, FormUsage) throws -> CompetitionContent
    ) async throws -> Competition? {
        let flavor = context.flavor
        // NO KEY UPDATE: raising capacity may promote teams, whose rows a join may hold while its
        // new registration's foreign-key check waits for KEY SHARE on this row.
        let lock = flavor.forNoKeyUpdate
        return try await context.transaction(touchingCompetitions: true) { sql in
            guard let current = try await Self.find(id: id, on: sql, lock: lock) else { return nil }
            let usage = readingUsage ? try await Self.formUsage(competitionId: id, on: sql) : FormUsage()
            let content = try change(current, usage)
            try await sql.raw("""
                UPDATE competitions SET title = \(bind: content.title), description = \(bind: content.description),
                    tags = \(bind: CompetitionRow.encodeTags(content.tags)), capacity = \(bind: content.capacity),
                    reg_deadline = \(bind: content.regDeadline), start_date = \(bind: content.startDate),
                    waitlist_capacity = \(bind: content.waitlistCapacity), updated_at = \(bind: now),
                    questions = \(bind: CompetitionRow.encodeQuestions(content.form.questions)), rules = \(bind: content.form.rules),
                    requires_approval = \(bind: content.form.requiresApproval ? 1 : 0),
                    time_zone = \(bind: content.timeZone.identifier), opens_at = \(bind: content.opensAt),
                    team_min = \(bind: content.teamSize?.min), team_max = \(bind: content.teamSize?.max)
                WHERE id = \(bind: id)
                """).run()
            // More seats: the waitlist moves up in this same transaction.
            try await Waitlist.promote(competitionId: id, now: now, flavor: flavor, on: sql)
            return try await Self.find(id: id, on: sql, lock: "")
        }
    }

    public func registrants(competitionId: UUID, status: RegistrationStatus?, page: PageRequest) async throws -> [Registrant] {
        let filter: SQLQueryString = if let status {
            "r.status = \(bind: status.rawValue)"
        } else {
            "r.status IN \(SQLQueryString.list(RegistrationStatus.active.map(\.rawValue)))"
        }
        return try await context.sql.raw("""
            SELECT r.id, r.status, r.created_at, u.id AS user_id, u.name, u.email, r.answers, r.decline_reason,
                   t.id AS team_id, t.name AS team_name, CASE WHEN t.captain_id = r.user_id THEN 1 ELSE 0 END AS captain,
                   CASE WHEN EXISTS (SELECT 1 FROM mailbox m WHERE m.registration_id = r.id AND m.delivery = \(bind: MailDelivery.failed.rawValue))
                        THEN 1 ELSE 0 END AS delivery_failed
            FROM registrations r JOIN users u ON u.id = r.user_id LEFT JOIN teams t ON t.id = r.team_id
            WHERE r.competition_id = \(bind: competitionId) AND \(filter)
            ORDER BY CASE r.status WHEN \(bind: RegistrationStatus.confirmed.rawValue) THEN 0
                                   WHEN \(bind: RegistrationStatus.waitlisted.rawValue) THEN 1
                                   WHEN \(bind: RegistrationStatus.pending.rawValue) THEN 2 ELSE 3 END,
                     COALESCE(t.waitlist_seq, r.waitlist_seq), t.created_at, t.id, r.created_at, r.id
            LIMIT \(bind: page.limit) OFFSET \(bind: page.offset)
            """).all(decoding: RegistrantRow.self, with: .snakeCase).map(\.registrant)
    }

    public func count(competitionId: UUID, status: RegistrationStatus) async throws -> Int {
        try await context.sql.raw("""
            SELECT COUNT(*) AS n FROM registrations WHERE competition_id = \(bind: competitionId) AND status = \(bind: status.rawValue)
            """).first(decodingColumn: "n", as: Int.self) ?? 0
    }

    /// Which questions the active registrations have answered, read under the competition's
    /// lock when its questions change (rare, and a scan of this competition's rows only).
    static func formUsage(competitionId: UUID, on sql: any SQLDatabase) async throws -> FormUsage {
        let stored = try await sql.raw("""
            SELECT answers FROM registrations
            WHERE competition_id = \(bind: competitionId) AND status IN \(SQLQueryString.list(RegistrationStatus.active.map(\.rawValue)))
            """).all(decodingColumn: "answers", as: String.self)
        var usage = FormUsage(activeRegistrations: stored.count)
        for text in stored where text != "{}" {
            if let answers = Answers(canonicalJSON: text) { usage.answeredQuestionIds.formUnion(answers.values.keys) }
        }
        return usage
    }
}

/// An active registration with its participant, as `registrants` selects it.
private struct RegistrantRow: Decodable {
    let id: UUID
    let status: String
    let createdAt: Date
    let userId: UUID
    let name: String
    let email: String
    let teamId: UUID?
    let teamName: String?
    let captain: Int
    let deliveryFailed: Int
    let answers: String
    let declineReason: String?

    var registrant: Registrant {
        Registrant(
            registrationId: id, status: RegistrationStatus(rawValue: status) ?? .confirmed,
            registeredAt: createdAt, userId: userId, name: name, email: email, deliveryFailed: deliveryFailed != 0,
            answers: Answers(canonicalJSON: answers) ?? Answers(), declineReason: declineReason,
            team: teamId.flatMap { id in teamName.map { TeamReference(id: id, name: $0) } }, captain: captain == 1
        )
    }
}
