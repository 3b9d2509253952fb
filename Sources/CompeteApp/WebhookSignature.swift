import Vapor
import Foundation

/// The Standard Webhooks signature (https://www.standardwebhooks.com): HMAC-SHA256 over
/// `"<webhook-id>.<webhook-timestamp>.<body>"`, keyed with the base64-decoded part of the
/// `whsec_` secret, sent as `v1,<base64>`.
enum WebhookSignature {
    struct UnreadableSecret: Error, CustomStringConvertible {
        var description: String { "the subscription's secret is not a whsec_ base64 secret" }
    }

    static func sign(id: String, timestamp: Int, body: String, secret: String) throws -> String {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst("whsec_".count)) : secret
        guard let key = Data(base64Encoded: encoded), !key.isEmpty else { throw UnreadableSecret() }
        let content = Data("\(id).\(timestamp).\(body)".utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }
}
