import Foundation

/// How many members a team of a team competition has: at least `min` to take part at the
/// deadline, never more than `max`.
public struct TeamSize: Sendable, Equatable, Codable {
    public let min: Int
    public let max: Int

    public init(min: Int, max: Int) {
        self.min = min
        self.max = max
    }

    /// 1 ≤ min ≤ max ≤ 100.
    public var isValid: Bool { 1 <= min && min <= max && max <= Self.largest }

    public static let largest = 100
    public static let requirement = "must be {min, max} with 1 ≤ min ≤ max ≤ 100, or null"

    /// "2–4", or "3" when min and max agree.
    public var label: String { min == max ? "\(min)" : "\(min)–\(max)" }
}
