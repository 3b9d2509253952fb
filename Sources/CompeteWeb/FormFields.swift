import Vapor

/// A posted `application/x-www-form-urlencoded` body as name → values, in order, every value
/// of a repeated name kept. The registration form and the question builder have field names
/// chosen at run time (`a.<question id>`, `q3_label`), which a fixed `Content` type cannot
/// describe.
struct FormFields {
    private var values: [String: [String]] = [:]

    init(_ req: Request) {
        guard let body = req.body.data, let text = body.getString(at: body.readerIndex, length: body.readableBytes) else { return }
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            values[name, default: []].append(parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    private static func decode(_ raw: Substring) -> String {
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The first value of `name`, nil when absent.
    subscript(_ name: String) -> String? { values[name]?.first }

    /// Every value of `name`, in the order sent.
    func all(_ name: String) -> [String] { values[name] ?? [] }

    func has(_ name: String) -> Bool { values[name] != nil }
}
