import Vapor

/// Which of the representations a route offers the client prefers, by the `Accept` header's
/// q-values (RFC 9110 §12.5.1): each offer gets the q of the most specific range that matches it
/// (`type/sub` over `type/*` over `*/*`); the highest q wins and a tie goes to the first offer,
/// the default. So `*/*` — what curl, Postman, Python `requests` and browsers send — and an absent
/// header give the default.
enum ContentNegotiation {
    static func preferred(_ offers: [HTTPMediaType], accept headers: HTTPHeaders) -> HTTPMediaType? {
        let ranges = headers[.accept].flatMap { $0.split(separator: ",") }.compactMap(MediaRange.init)
        guard !ranges.isEmpty else { return offers.first }
        var best: (type: HTTPMediaType, q: Double)?
        for offer in offers {
            let q = ranges.filter { $0.matches(offer) }.max { $0.specificity < $1.specificity }?.q ?? 0
            if q > 0, q > (best?.q ?? 0) { best = (offer, q) }
        }
        return best?.type
    }

    private struct MediaRange {
        let type: String
        let subType: String
        let q: Double

        init?(_ text: Substring) {
            let parts = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            let range = parts.first?.split(separator: "/") ?? []
            guard range.count == 2 else { return nil }
            type = String(range[0])
            subType = String(range[1])
            var q = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                q = min(1, max(0, Double(parameter.dropFirst(2)) ?? 1))
            }
            self.q = q
        }

        var specificity: Int { (type == "*" ? 0 : 1) + (subType == "*" ? 0 : 1) }

        func matches(_ media: HTTPMediaType) -> Bool {
            (type == "*" || type == media.type.lowercased()) && (subType == "*" || subType == media.subType.lowercased())
        }
    }
}
