import CompeteCore
import Foundation
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system resolver (`getaddrinfo`), run on a thread pool since it blocks.
struct SystemHostResolver: HostResolver {
    let threadPool: NIOThreadPool

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func addresses(of host: String) async throws -> [IPAddress] {
        try await threadPool.runIfActive { try Self.resolve(host) }
    }

    private static func resolve(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else { throw Failure(description: String(cString: gai_strerror(status))) }
        defer { freeaddrinfo(list) }
        var found: [IPAddress] = []
        var next = list
        while let entry = next {
            if let address = entry.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    let bytes = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
                    }
                    if let ip = IPAddress(bytes: bytes) { found.append(ip) }
                case AF_INET6:
                    let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                    }
                    if let ip = IPAddress(bytes: bytes) { found.append(ip) }
                default:
                    break
                }
            }
            next = entry.pointee.ai_next
        }
        return found
    }
}
