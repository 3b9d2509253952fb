/// What an email and a password must look like, at sign-up and at login.
enum Credentials {
    /// RFC 5321's limit on a forward path, in bytes; enforced at login too, so a login body
    /// cannot make us normalise, hash or look up a 60 KiB "email".
    static let maxEmailBytes = 254
    static let minPasswordCharacters = 8
    /// Bcrypt reads at most 72 bytes; a longer password would match every password sharing them.
    static let maxPasswordBytes = 72

    static func normalizeEmail(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// Deliberately simple: one `@`, a non-empty local part, a dotted domain, no spaces, no
    /// control or format characters.
    static func isPlausibleEmail(_ email: String) -> Bool {
        guard email.utf8.count <= maxEmailBytes, !email.contains(where: { $0.isWhitespace }),
              !Text.hasControlCharacters(email) else { return false }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty }
    }

    /// Why a new password is refused, nil when it is acceptable.
    static func passwordProblem(_ password: String) -> String? {
        if password.count < minPasswordCharacters { return "must be at least \(minPasswordCharacters) characters" }
        if password.utf8.count > maxPasswordBytes { return "must be at most \(maxPasswordBytes) bytes" }
        if Text.hasControlCharacters(password) { return "must not contain control or invisible formatting characters" }
        return nil
    }

    /// A password no account can have: sign-up refuses it. Bcrypt would stop at a NUL (or after
    /// 72 bytes) and accept whatever the stored password's prefix is, so such a login must fail
    /// without bcrypt ever deciding.
    static func isImpossiblePassword(_ password: String) -> Bool {
        password.utf8.count > maxPasswordBytes || Text.hasControlCharacters(password)
    }
}
