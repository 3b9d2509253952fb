import Foundation

/// Tags are short lower-case labels (`"running"`, `"5k"`, `"open-source"`): letters, digits and
/// dashes, 1–30 characters, at most 10 per competition, compared case-insensitively.
public enum Tags {
    public static let maxCount = 10
    public static let maxLength = 30

    public static func normalize(_ raw: String) -> Result<String, Failure> {
        let tag = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard !tag.isEmpty, tag.count <= maxLength else {
            return .failure(Failure("each tag must be 1–\(maxLength) characters"))
        }
        guard tag.unicodeScalars.allSatisfy({ ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }) else {
            return .failure(Failure("tags may contain only letters a–z, digits and '-'"))
        }
        return .success(tag)
    }

    /// Normalises, de-duplicates (keeping first-seen order) and checks a tag list.
    public static func normalizeList(_ raw: [String]) -> Result<[String], Failure> {
        var result: [String] = []
        for item in raw {
            switch normalize(item) {
            case .success(let tag): if !result.contains(tag) { result.append(tag) }
            case .failure(let failure): return .failure(failure)
            }
        }
        guard result.count <= maxCount else { return .failure(Failure("at most \(maxCount) tags")) }
        return .success(result)
    }

    public struct Failure: Error, Sendable {
        public let message: String
        init(_ message: String) { self.message = message }
    }
}

