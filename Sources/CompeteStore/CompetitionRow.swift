import CompeteCore
import FluentPostgresDriver
import Foundation
import SQLKit

/// A competition as the `competitions` table (joined to its organizer's name) holds it.
struct CompetitionRow: Decodable {
    /// Columns for this row, from `competitions c JOIN users u ON u.id = c.organizer_id`.
    static let columns = """
        c.id, c.title, c.description, c.tags, c.capacity, c.registered_count, c.waitlist_capacity,
        c.waitlist_count, c.reg_deadline, c.start_date, c.organizer_id, u.name AS organizer_name,
        c.created_at, c.updated_at, c.questions, c.rules, c.requires_approval, c.pending_count, c.time_zone, c.opens_at,
        c.team_min, c.team_max
        """

    static let from = "competitions c JOIN users u ON u.id = c.organizer_id"

    let id: UUID
    let title: String
    let description: String
    let tags: String
    let capacity: Int
    let registeredCount: Int
    let waitlistCapacity: Int
    let waitlistCount: Int
    let regDeadline: Date
    let startDate: Date
    let organizerId: UUID
    let organizerName: String
    let createdAt: Date
    let updatedAt: Date
    let questions: String
    let rules: String?
    let requiresApproval: Int
    let pendingCount: Int
    let timeZone: String
    let opensAt: Date?
    let teamMin: Int?
    let teamMax: Int?

    var competition: Competition {
        Competition(
            id: id, title: title, description: description, tags: Self.decodeTags(tags),
            capacity: capacity, registeredCount: registeredCount,
            waitlistCapacity: waitlistCapacity, waitlistCount: waitlistCount,
            regDeadline: regDeadline, startDate: startDate,
            organizerId: organizerId, organizerName: organizerName,
            createdAt: createdAt, updatedAt: updatedAt,
            form: RegistrationForm(questions: Self.decodeQuestions(questions), rules: rules, requiresApproval: requiresApproval != 0),
            pendingCount: pendingCount, timeZone: Self.zone(timeZone), opensAt: opensAt,
            teamSize: teamMin.flatMap { min in teamMax.map { TeamSize(min: min, max: $0) } }
        )
    }

    /// A stored zone name; only names the domain accepted are stored, and if the system's
    /// database ever drops one, its times are shown in UTC rather than failing the read.
    static func zone(_ stored: String) -> TimeZoneName {
        TimeZoneName(stored) ?? .utc
    }

    /// The stored JSON list of questions (M014); written only from validated questions.
    static func encodeQuestions(_ questions: [Question]) -> String {
        guard !questions.isEmpty else { return "[]" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(questions)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    /// Most competitions ask nothing: `[]` is not run through a decoder on every list read.
    static func decodeQuestions(_ stored: String) -> [Question] {
        guard stored != "[]" else { return [] }
        return (try? JSONDecoder().decode([Question].self, from: Data(stored.utf8))) ?? []
    }

    /// `["a", "b"]` ⇄ `",a,b,"`: the delimiters let `LIKE '%,a,%'` match whole tags only.
    static func encodeTags(_ tags: [String]) -> String {
        tags.isEmpty ? "," : "," + tags.joined(separator: ",") + ","
    }

    static func decodeTags(_ stored: String) -> [String] {
        stored.split(separator: ",").map(String.init)
    }
}

extension CompetitionRow {
    /// From a row selecting `columns`: on PostgreSQL through a prepared statement by position,
    /// in `columns`' order (a list page decodes 20 rows of 22 columns), otherwise by name.
    init(_ row: any SQLRow) throws {
        guard let row = row as? PreparedRow else {
            self = try row.decode(model: Self.self, with: .snakeCase)
            return
        }
        let (id, title, description, tags, capacity, registeredCount, waitlistCapacity, waitlistCount, regDeadline, startDate,
             organizerId, organizerName, createdAt, updatedAt, questions, rules, requiresApproval, pendingCount, timeZone,
             opensAt, teamMin, teamMax) = try row.postgres.decode((
                UUID, String, String, String, Int, Int, Int, Int, Date, Date,
                UUID, String, Date, Date, String, String?, Int, Int, String,
                Date?, Int?, Int?
             ).self)
        self.init(
            id: id, title: title, description: description, tags: tags, capacity: capacity, registeredCount: registeredCount,
            waitlistCapacity: waitlistCapacity, waitlistCount: waitlistCount, regDeadline: regDeadline, startDate: startDate,
            organizerId: organizerId, organizerName: organizerName, createdAt: createdAt, updatedAt: updatedAt,
            questions: questions, rules: rules, requiresApproval: requiresApproval, pendingCount: pendingCount,
            timeZone: timeZone, opensAt: opensAt, teamMin: teamMin, teamMax: teamMax
        )
    }
}
