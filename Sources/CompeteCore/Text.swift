/// Rules for free text that people type and others read.
enum Text {
    /// True when `text` holds a control character (C0, DEL, C1) other than those `allowed`.
    /// Such characters are invisible or break displays, and NUL ends a string in SQLite's C API
    /// (what follows it would be silently lost), so they are refused rather than stored.
    static func hasControlCharacters(_ text: String, allowing allowed: Set<Unicode.Scalar> = []) -> Bool {
        text.unicodeScalars.contains { scalar in
            (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)) && !allowed.contains(scalar)
        }
    }

    /// Line breaks and tabs, which multi-line text may hold.
    static let lineBreaksAndTabs: Set<Unicode.Scalar> = ["\n", "\r", "\t"]
}
