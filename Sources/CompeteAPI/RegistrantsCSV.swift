import CompeteCore
import Vapor

/// RFC 4180 CSV of a competition's registrants, safe to open in a spreadsheet.
public enum RegistrantsCSV {
    public static func response(competition: Competition, registrants: [Registrant]) -> Response {
        var lines = ["registrationId,status,registeredAt,userId,name,email"]
        for r in registrants {
            lines.append([
                r.registrationId.wire, r.status.rawValue,
                r.registeredAt.formatted(.iso8601), r.userId.wire, r.name, r.email,
            ].map(cell).joined(separator: ","))
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(
            name: .contentDisposition,
            value: "attachment; filename=\"registrants-\(competition.id.wire).csv\""
        )
        return Response(status: .ok, headers: headers, body: .init(string: lines.joined(separator: "\r\n") + "\r\n"))
    }

    /// Quotes when needed, and defuses cells a spreadsheet would run as a formula.
    static func cell(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
