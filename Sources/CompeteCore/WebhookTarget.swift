import Foundation

/// A webhook URL as we accept it: `http` or `https`, a host, no credentials, at most 2048
/// characters.
public struct WebhookTarget: Sendable, Equatable {
    public let url: String
    /// The host without IPv6 brackets.
    public let host: String

    /// Throws `validation` (field `url`) for anything else.
    public init(_ raw: String) throws {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.count <= 2048 else { throw DomainError.invalid("url", "must be an http(s) URL of at most 2048 characters") }
        guard let parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw DomainError.invalid("url", "must be an http:// or https:// URL")
        }
        guard var host = parts.host, !host.isEmpty else { throw DomainError.invalid("url", "must name a host") }
        guard parts.user == nil, parts.password == nil else {
            throw DomainError.invalid("url", "must not carry credentials (the signature authenticates us)")
        }
        guard !text.contains(where: { $0.isWhitespace || $0.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) } }) else {
            throw DomainError.invalid("url", "must not contain spaces or control characters")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.url = text
        self.host = host
    }
}

/// Where webhooks may go. In production (unless `WEBHOOK_ALLOW_PRIVATE=true`) every address of
/// the host must be global: no loopback, private, link-local, unspecified, multicast, reserved or
/// IPv4-mapped address, checked when the subscription is made and again before every attempt
/// (the name may point elsewhere by then: DNS rebinding).
public struct WebhookTargetPolicy: Sendable {
    public let refusePrivate: Bool
    let resolver: any HostResolver

    public init(refusePrivate: Bool, resolver: any HostResolver) {
        self.refusePrivate = refusePrivate
        self.resolver = resolver
    }

    /// Why the target is refused, nil when it is allowed. A name that does not resolve is
    /// refused with `unresolvable` only when `strict` (at delivery time).
    public func refusal(_ target: WebhookTarget, strict: Bool) async -> String? {
        guard refusePrivate else { return nil }
        let addresses: [IPAddress]
        if let literal = IPAddress(target.host) {
            addresses = [literal]
        } else {
            do {
                addresses = try await resolver.addresses(of: target.host)
            } catch {
                return strict ? "host \(target.host) does not resolve" : nil
            }
            if addresses.isEmpty { return strict ? "host \(target.host) does not resolve" : nil }
        }
        if let refused = addresses.first(where: { $0.scope != .global }) {
            return "\(target.host) leads to \(refused) (\(refused.scope.rawValue)), which webhooks may not reach"
        }
        return nil
    }
}
