/// Rules for text that people type and others read or that we compare byte for byte.
enum Text {
    /// True when `text` holds a control character (C0, DEL, C1) or a Unicode format character
    /// (general category Cf: bidi embeddings, overrides and isolates U+202A–202E and
    /// U+2066–2069, zero-width spaces, the BOM, soft hyphens, tag characters) other than those
    /// `allowed`. Control characters are invisible or break displays, and NUL ends a string in
    /// SQLite's C API and in bcrypt (what follows it would be silently lost); format characters
    /// make text read differently from what it holds (a bidi override turns `exe.txt` into
    /// `txt.exe` on screen, a zero-width space makes two equal-looking names differ). So they
    /// are refused rather than stored.
    static func hasControlCharacters(_ text: String, allowing allowed: Set<Unicode.Scalar> = []) -> Bool {
        text.unicodeScalars.contains { scalar in
            isControlOrFormat(scalar) && !allowed.contains(scalar)
        }
    }

    static func isControlOrFormat(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.properties.generalCategory == .format
    }

    /// The zero-width non-joiner and joiner (U+200C, U+200D) are format characters that
    /// written languages (Persian, the Indic scripts) and emoji sequences (👩‍💻) need, so text
    /// that people read may keep them. Emails and passwords may not.
    static let joiners: Set<Unicode.Scalar> = ["\u{200C}", "\u{200D}"]

    /// What multi-line text (descriptions) may keep: line breaks, tabs, and the joiners.
    static let multiLine: Set<Unicode.Scalar> = joiners.union(["\n", "\r", "\t"])
}
