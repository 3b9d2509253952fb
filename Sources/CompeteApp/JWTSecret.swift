import CompeteAPI
import Foundation
import Logging
import Vapor

/// Decides the token signing secret: `JWT_SECRET` when given; otherwise, outside production, a
/// random secret generated once and kept in `DATA_DIR/jwt-secret` so tokens survive restarts.
enum JWTSecret {
    static func resolve(_ config: AppConfig, logger: Logger) throws -> String {
        let minimum = TokenService.minimumSecretBytes
        if let secret = config.jwtSecret {
            guard secret.utf8.count >= minimum else {
                throw AppConfig.Invalid(description: "JWT_SECRET must be at least \(minimum) bytes long; generate one with `openssl rand -base64 48`")
            }
            return secret
        }
        guard !config.isProduction else {
            throw AppConfig.Invalid(description: "JWT_SECRET is required when APP_ENV=production (at least \(minimum) bytes)")
        }
        let path = URL(fileURLWithPath: config.dataDir).appendingPathComponent("jwt-secret").path
        if let stored = try? String(contentsOfFile: path, encoding: .utf8) {
            let secret = stored.trimmingCharacters(in: .whitespacesAndNewlines)
            guard secret.utf8.count >= minimum else {
                throw AppConfig.Invalid(description: "\(path) holds a secret shorter than \(minimum) bytes; delete it to generate a new one")
            }
            return secret
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<48).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secret = Data(bytes).base64EncodedString()
        try FileManager.default.createDirectory(atPath: config.dataDir, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw AppConfig.Invalid(description: "could not write the generated JWT secret to \(path)")
        }
        logger.notice("JWT_SECRET not set: generated a random secret and saved it", metadata: ["path": "\(path)"])
        return secret
    }

    /// A key for another purpose than signing tokens, derived from the secret (HMAC-SHA256 of
    /// the purpose), so one setting serves all and a key of one purpose says nothing of another.
    static func derivedKey(_ secret: String, purpose: String) -> SymmetricKey {
        let derived = HMAC<SHA256>.authenticationCode(for: Data("mini-compete \(purpose)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return SymmetricKey(data: Data(derived))
    }
}
