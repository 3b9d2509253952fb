import CompeteCore
import Foundation

/// The time fields of the competition form, typed as `datetime-local` values on the clock of
/// the competition's time zone.
struct LocalTimeFields {
    let zone: TimeZoneName
    /// Every field is read anew when the zone changed, though its text did not.
    let zoneChanged: Bool

    /// What a field asks for: nil to leave it as it is (unchanged, or unreadable with the error
    /// recorded under `field`), `.some(nil)` to clear it (emptied; a required field reports
    /// that), `.some(date)` to set it. A time that the zone's clocks skip is refused next to
    /// the field rather than moved: a deadline an hour off is worse than a second try.
    func read(
        _ text: String?, label: String, existing: Date?, required: Bool = false, errors: inout [String: String], field: String
    ) -> Date?? {
        let typed = (text ?? "").trimmingCharacters(in: .whitespaces)
        if !zoneChanged, let existing, typed == LocalTime.inputValue(existing, in: zone) { return nil }
        if typed.isEmpty {
            if required { errors[field] = "\(label) must be a date and time." }
            return existing == nil || required ? nil : .some(nil)
        }
        switch LocalTime.read(typed, in: zone) {
        case .instant(let date):
            return .some(date)
        case .nonexistent:
            errors[field] = "\(label) \(typed.replacingOccurrences(of: "T", with: " ")) does not exist in \(zone.identifier): the clocks skip that hour for daylight saving time. Choose another time."
        case .invalid:
            errors[field] = "\(label) must be a date and time."
        }
        return nil
    }
}
