import CompeteCore
import Vapor

/// RFC 4180 CSV of a competition's registrants, safe to open in a spreadsheet, streamed: each
/// page of registrants is written as it is read, so an export of any size holds one page in
/// memory.
public enum RegistrantsCSV {
    static let header = "registrationId,status,registeredAt,userId,name,email"

    public static func response(competition: Competition, pages: AsyncThrowingStream<[Registrant], any Error>) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(
            name: .contentDisposition,
            value: "attachment; filename=\"registrants-\(competition.id.wire).csv\""
        )
        let body = Response.Body(asyncStream: { writer in
            do {
                // One column per question, in the form's order, headed by its id.
                let questions = competition.form.questions
                let titles = [header] + questions.map { cell($0.id) }
                try await writer.write(.buffer(ByteBuffer(string: titles.joined(separator: ",") + "\r\n")))
                for try await page in pages {
                    try await writer.write(.buffer(ByteBuffer(string: page.map { line($0, questions: questions) }.joined())))
                }
                try await writer.write(.end)
            } catch {
                // Headers are sent: the client sees a truncated download, never a partial file
                // passed off as complete (the chunked body ends without its last chunk).
                try? await writer.write(.error(error))
            }
        })
        return Response(status: .ok, headers: headers, body: body)
    }

    static func line(_ r: Registrant, questions: [Question]) -> String {
        ([
            r.registrationId.wire, r.status.rawValue,
            r.registeredAt.formatted(.iso8601), r.userId.wire, r.name, r.email,
        ] + questions.map { r.answers[$0.id]?.text ?? "" }).map(cell).joined(separator: ",") + "\r\n"
    }

    /// Quotes when needed, and defuses cells a spreadsheet would run as a formula.
    static func cell(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
