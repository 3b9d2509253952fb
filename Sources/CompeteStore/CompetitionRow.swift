import CompeteCore
import Foundation
import SQLKit

/// Reading and writing the `competitions` table's representation of a competition.
enum CompetitionRow {
    /// Columns for `Competition`, from `competitions c JOIN users u ON u.id = c.organizer_id`.
    static let columns = """
        c.id, c.title, c.description, c.tags, c.capacity, c.registered_count, c.waitlist_capacity,
        c.waitlist_count, c.reg_deadline, c.start_date, c.organizer_id, u.name AS organizer_name,
        c.created_at, c.updated_at
        """

    static let from = "competitions c JOIN users u ON u.id = c.organizer_id"

    static func decode(_ row: any SQLRow) throws -> Competition {
        Competition(
            id: try row.decode(column: "id", as: UUID.self),
            title: try row.decode(column: "title", as: String.self),
            description: try row.decode(column: "description", as: String.self),
            tags: decodeTags(try row.decode(column: "tags", as: String.self)),
            capacity: try row.decode(column: "capacity", as: Int.self),
            registeredCount: try row.decode(column: "registered_count", as: Int.self),
            waitlistCapacity: try row.decode(column: "waitlist_capacity", as: Int.self),
            waitlistCount: try row.decode(column: "waitlist_count", as: Int.self),
            regDeadline: try row.decode(column: "reg_deadline", as: Date.self),
            startDate: try row.decode(column: "start_date", as: Date.self),
            organizerId: try row.decode(column: "organizer_id", as: UUID.self),
            organizerName: try row.decode(column: "organizer_name", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self)
        )
    }

    /// `["a", "b"]` ⇄ `",a,b,"`: the delimiters let `LIKE '%,a,%'` match whole tags only.
    static func encodeTags(_ tags: [String]) -> String {
        tags.isEmpty ? "," : "," + tags.joined(separator: ",") + ","
    }

    static func decodeTags(_ stored: String) -> [String] {
        stored.split(separator: ",").map(String.init)
    }
}
