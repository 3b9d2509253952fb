import CompeteCore
import Foundation
import Testing

/// The address classification behind the webhook SSRF rule.
struct IPAddressTests {
    @Test(arguments: [
        ("127.0.0.1", IPAddress.Scope.loopback), ("127.255.0.9", .loopback), ("::1", .loopback),
        ("10.1.2.3", .privateNetwork), ("172.16.0.1", .privateNetwork), ("172.31.255.255", .privateNetwork),
        ("192.168.1.1", .privateNetwork), ("fd00::1", .privateNetwork), ("fc00::", .privateNetwork), ("fec0::1", .privateNetwork),
        ("169.254.169.254", .linkLocal), ("fe80::1", .linkLocal), ("febf::1", .linkLocal),
        ("0.0.0.0", .unspecified), ("0.1.2.3", .unspecified), ("::", .unspecified),
        ("224.0.0.1", .multicast), ("239.255.255.250", .multicast), ("ff02::1", .multicast),
        ("100.64.0.1", .reserved), ("198.18.0.1", .reserved), ("192.0.2.1", .reserved), ("240.0.0.1", .reserved),
        ("255.255.255.255", .reserved), ("2001:db8::1", .reserved), ("::127.0.0.1", .reserved),
        ("::ffff:127.0.0.1", .ipv4Mapped), ("::ffff:8.8.8.8", .ipv4Mapped), ("::ffff:7f00:1", .ipv4Mapped),
        ("64:ff9b::7f00:1", .loopback), ("64:ff9b::808:808", .global),
        ("8.8.8.8", .global), ("1.1.1.1", .global), ("172.15.255.255", .global), ("172.32.0.1", .global),
        ("100.63.255.255", .global), ("100.128.0.1", .global), ("2606:4700:4700::1111", .global), ("2a00:1450:4001::200e", .global),
    ])
    func classifies(_ text: String, _ scope: IPAddress.Scope) throws {
        let address = try #require(IPAddress(text), "\(text) parses")
        #expect(address.scope == scope, "\(text)")
    }

    @Test(arguments: ["", "localhost", "1.2.3", "256.1.1.1", "[::1]", "fe80::1%eth0", "1.2.3.4 ", "::g"])
    func refusesNonLiterals(_ text: String) {
        #expect(IPAddress(text) == nil)
    }
}

/// A resolver answering from a table: stands in for DNS, which cannot be pointed elsewhere here.
struct TableResolver: HostResolver {
    let table: [String: [String]]

    struct Missing: Error {}

    func addresses(of host: String) async throws -> [IPAddress] {
        guard let entries = table[host] else { throw Missing() }
        return entries.compactMap(IPAddress.init)
    }
}

struct WebhookTargetTests {
    let resolver = TableResolver(table: [
        "public.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
        "mixed.example": ["93.184.216.34", "10.0.0.7"],
        "rebind.example": ["127.0.0.1"],
        "empty.example": [],
    ])

    @Test(arguments: ["ftp://example.com/", "javascript:alert(1)", "example.com/hook", "http://", "http://user:pw@example.com/",
                      "http://exa mple.com/", "https://example.com/\u{0}", String(repeating: "a", count: 2050)])
    func refusesMalformedURLs(_ url: String) {
        #expect(throws: DomainError.self) { try WebhookTarget(url) }
    }

    @Test func acceptsHTTPAndHTTPS() throws {
        #expect(try WebhookTarget("HTTPS://Example.com:8443/hooks?x=1").host == "Example.com")
        #expect(try WebhookTarget("http://[2606:4700::1111]/h").host == "2606:4700::1111")
    }

    @Test func productionRefusesEveryNonGlobalAddressOfTheHost() async throws {
        let policy = WebhookTargetPolicy(refusePrivate: true, resolver: resolver)
        #expect(await policy.refusal(try WebhookTarget("https://public.example/h"), strict: true) == nil)
        #expect(await policy.refusal(try WebhookTarget("https://mixed.example/h"), strict: true)?.contains("10.0.0.7") == true)
        #expect(await policy.refusal(try WebhookTarget("http://rebind.example/h"), strict: true)?.contains("loopback") == true)
        #expect(await policy.refusal(try WebhookTarget("http://127.0.0.1:8080/h"), strict: false) != nil)
        #expect(await policy.refusal(try WebhookTarget("http://[::ffff:10.0.0.1]/h"), strict: false) != nil)
        #expect(await policy.refusal(try WebhookTarget("http://[fe80::1]/h"), strict: false) != nil)
        // Unknown names pass when subscribing (DNS may be down) but never at delivery time.
        #expect(await policy.refusal(try WebhookTarget("http://nowhere.example/h"), strict: false) == nil)
        #expect(await policy.refusal(try WebhookTarget("http://nowhere.example/h"), strict: true) != nil)
        #expect(await policy.refusal(try WebhookTarget("http://empty.example/h"), strict: true) != nil)
    }

    @Test func allowPrivateLiftsTheRule() async throws {
        let policy = WebhookTargetPolicy(refusePrivate: false, resolver: resolver)
        #expect(await policy.refusal(try WebhookTarget("http://127.0.0.1/h"), strict: true) == nil)
    }
}
