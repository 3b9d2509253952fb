import CompeteCore
import Vapor
import Foundation

/// Unsubscribe tokens: the user's id and an HMAC-SHA256 tag of it (128 bits), URL-safe base64.
/// Unguessable without the key, which is derived from `JWT_SECRET`, so every instance accepts
/// every other's links; they do not expire (an old email's link keeps working, as RFC 8058
/// expects).
public struct UnsubscribeSigner: UnsubscribeTokens {
    let key: SymmetricKey

    public init(key: SymmetricKey) {
        self.key = key
    }

    public func token(for userId: UUID) -> String {
        let id = Self.bytes(userId)
        return Self.base64URL(id + tag(id))
    }

    public func userId(from token: String) -> UUID? {
        guard token.count <= 64, let data = Self.decodeBase64URL(token), data.count == 32 else { return nil }
        let id = Array(data.prefix(16))
        let expected = tag(id)
        // Constant time: how many leading bytes match must not show in the timing.
        guard zip(expected, data.suffix(16)).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 else { return nil }
        return id.withUnsafeBytes { raw in UUID(uuid: raw.loadUnaligned(as: uuid_t.self)) }
    }

    private func tag(_ id: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data("reminders-unsubscribe:".utf8) + id, using: key).prefix(16))
    }

    private static func bytes(_ id: UUID) -> [UInt8] {
        withUnsafeBytes(of: id.uuid) { Array($0) }
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    private static func decodeBase64URL(_ text: String) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
