import Vapor

extension Request {
    /// Who pays a per-address budget: the peer's IPv4 address, or the /64 network of an IPv6
    /// one (one subscriber routinely holds a whole /64, so its single addresses cost nothing to
    /// change). `X-Forwarded-For` is not read: anyone can write it, so behind a reverse proxy
    /// every client shares the proxy's budget (see docs/security.md).
    public var clientAddress: String {
        switch remoteAddress {
        case .v4(let address)?:
            return address.host
        case .v6(let address)?:
            let bytes = withUnsafeBytes(of: address.address.sin6_addr) { Array($0) }
            // An IPv4 client on a dual-stack socket (::ffff:a.b.c.d) pays as that IPv4 address.
            if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
                return bytes[12...].map(String.init).joined(separator: ".")
            }
            let groups = stride(from: 0, to: min(8, bytes.count), by: 2).map {
                String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
            }
            return groups.joined(separator: ":") + "::/64"
        case .unixDomainSocket?, nil:
            return "local"
        }
    }
}
