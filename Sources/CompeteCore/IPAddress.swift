import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as its bytes, classified for webhook targets (SSRF protection).
public struct IPAddress: Sendable, Equatable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses a literal (`192.0.2.1`, `2001:db8::1`; brackets and a zone are not accepted).
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    /// Where an address leads. Everything but `.global` is refused as a webhook target in
    /// production unless `WEBHOOK_ALLOW_PRIVATE=true`.
    public enum Scope: String, Sendable {
        case global, unspecified, loopback, privateNetwork = "private", linkLocal = "link-local", multicast
        /// Carrier-grade NAT, benchmarking, documentation, reserved and broadcast ranges.
        case reserved
        /// `::ffff:a.b.c.d`: an IPv4 address dressed as IPv6, refused whatever it embeds.
        case ipv4Mapped = "IPv4-mapped"
    }

    public var scope: Scope {
        bytes.count == 4 ? Self.scope(v4: bytes) : Self.scope(v6: bytes)
    }

    private static func scope(v4 b: [UInt8]) -> Scope {
        switch (b[0], b[1]) {
        case (0, _): return .unspecified
        case (10, _), (172, 16...31), (192, 168): return .privateNetwork
        case (127, _): return .loopback
        case (169, 254): return .linkLocal
        case (100, 64...127), (198, 18...19): return .reserved
        case (192, 0) where b[2] == 0 || b[2] == 2: return .reserved
        case (198, 51) where b[2] == 100, (203, 0) where b[2] == 113: return .reserved
        case (224...239, _): return .multicast
        case (240...255, _): return .reserved
        default: return .global
        }
    }

    private static func scope(v6 b: [UInt8]) -> Scope {
        let prefix10 = b[0..<10].allSatisfy { $0 == 0 }
        if prefix10, b[10] == 0xff, b[11] == 0xff { return .ipv4Mapped }
        if b.allSatisfy({ $0 == 0 }) { return .unspecified }
        if b[0..<15].allSatisfy({ $0 == 0 }), b[15] == 1 { return .loopback }
        // IPv4-compatible (::a.b.c.d, deprecated) and NAT64 (64:ff9b::/96) lead to IPv4 space.
        if prefix10, b[10] == 0, b[11] == 0 { return .reserved }
        if b[0] == 0x00, b[1] == 0x64, b[2] == 0xff, b[3] == 0x9b { return scope(v4: Array(b[12..<16])) }
        if b[0] & 0xfe == 0xfc { return .privateNetwork }             // fc00::/7 unique local
        if b[0] == 0xfe, b[1] & 0xc0 == 0x80 { return .linkLocal }    // fe80::/10
        if b[0] == 0xfe, b[1] & 0xc0 == 0xc0 { return .privateNetwork } // fec0::/10 site-local
        if b[0] == 0xff { return .multicast }
        if b[0] == 0x20, b[1] == 0x01, b[2] == 0x0d, b[3] == 0xb8 { return .reserved } // documentation
        return .global
    }
}

/// Resolves a host name to every address it has, at the moment of asking.
public protocol HostResolver: Sendable {
    func addresses(of host: String) async throws -> [IPAddress]
}
