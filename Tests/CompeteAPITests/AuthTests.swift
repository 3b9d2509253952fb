@testable import CompeteAPI
import CompeteCore
import Foundation
import Testing

@Suite struct AuthTests {
    @Test(arguments: Backend.all)
    func signupLoginAndMe(backend: Backend) async throws {
        try await withServer(backend) { server in
            let signup = try await server.request(.POST, "/api/auth/signup", json: [
                "name": "Zoë Ümlaut 🚀", "email": "  Zoe@Example.COM ", "password": "password123", "role": "Organizer",
            ])
            #expect(signup.status == 201)
            let user = try #require(signup.json["user"] as? [String: Any])
            #expect(user["role"] as? String == "organizer")
            #expect(user["email"] as? String == "zoe@example.com")
            #expect(user["name"] as? String == "Zoë Ümlaut 🚀")
            #expect(user["createdAt"] is String && user["id"] is String)
            #expect(user["password"] == nil && user["passwordHash"] == nil)
            #expect(!signup.text.contains("password123"))

            let taken = try await server.request(.POST, "/api/auth/signup", json: [
                "name": "Other", "email": "ZOE@example.com", "password": "password123", "role": "participant",
            ])
            #expect(taken.status == 409 && taken.code == "email_taken")

            let login = try await server.request(.POST, "/api/auth/login", json: ["email": "zoe@EXAMPLE.com", "password": "password123"])
            #expect(login.status == 200)
            let token = try #require(login.json["token"] as? String)
            let me = try await server.request(.GET, "/api/auth/me", token: token)
            #expect(me.status == 200 && me.json["email"] as? String == "zoe@example.com")
            #expect(me.json["id"] as? String == user["id"] as? String)
        }
    }

    @Test(arguments: Backend.all)
    func loginFailuresAreUniformAndRateLimited(backend: Backend) async throws {
        try await withServer(backend, configure: { $0.loginMaxFailures = 3 }) { server in
            let user = try await server.signup()
            let wrong = try await server.request(.POST, "/api/auth/login", json: ["email": user.email, "password": "wrong-password"])
            // A fresh unknown address: with Redis the throttle outlives the server (and the run).
            let nobody = "nobody-\(UUID().uuidString.prefix(8).lowercased())@example.com"
            let unknown = try await server.request(.POST, "/api/auth/login", json: ["email": nobody, "password": "wrong-password"])
            #expect(wrong.status == 401 && wrong.code == "invalid_credentials")
            #expect(wrong.body == unknown.body, "unknown email and wrong password must look the same")

            _ = try await server.request(.POST, "/api/auth/login", json: ["email": user.email, "password": "wrong-again"])
            _ = try await server.request(.POST, "/api/auth/login", json: ["email": user.email, "password": "wrong-thrice"])
            let limited = try await server.request(.POST, "/api/auth/login", json: ["email": user.email, "password": "password123"])
            #expect(limited.status == 429 && limited.code == "rate_limited")
            let retryAfter = try #require(limited.headers.first(name: "Retry-After").flatMap(Int.init))
            #expect(retryAfter > 0 && retryAfter <= 15 * 60)
            // Another account from the same address is not affected.
            let other = try await server.signup()
            let ok = try await server.request(.POST, "/api/auth/login", json: ["email": other.email, "password": "password123"])
            #expect(ok.status == 200)
        }
    }

    @Test(arguments: Backend.all)
    func badTokensAreRejected(backend: Backend) async throws {
        try await withServer(backend) { server in
            let user = try await server.signup()
            let principal = User(id: UUID(uuidString: user.id)!, name: "x", email: user.email, role: .organizer, createdAt: Date())

            let expired = try await TokenService(secret: TestServer.jwtSecret, ttl: -60, now: { Date() }).issue(for: principal)
            let foreign = try await TokenService(secret: String(repeating: "z", count: 40), ttl: 3600, now: { Date() }).issue(for: principal)
            let parts = user.token.split(separator: ".").map(String.init)
            let unsignedHeader = Self.base64URL(#"{"alg":"none","typ":"JWT"}"#)
            let unsigned = "\(unsignedHeader).\(parts[1])."
            var claims = try #require(try JSONSerialization.jsonObject(with: Self.decodeBase64URL(parts[1])) as? [String: Any])
            claims["role"] = "organizer"
            let tampered = "\(parts[0]).\(Self.base64URL(String(decoding: try JSONSerialization.data(withJSONObject: claims), as: UTF8.self))).\(parts[2])"

            // The genuine token first: once verified it is remembered (`VerifiedTokens`), and
            // tokens that differ from it in any part must still be checked in full.
            #expect(try await server.request(.GET, "/api/auth/me", token: user.token).status == 200)
            for token in [expired, foreign, unsigned, tampered, "garbage", ""] {
                let response = try await server.request(.GET, "/api/auth/me", token: token)
                #expect(response.status == 401 && response.code == "unauthorized", "token \(token.prefix(20)) was accepted")
            }
            let basic = try await server.request(.GET, "/api/auth/me", headers: [("Authorization", "Basic dXNlcjpwYXNz")])
            #expect(basic.status == 401)
            #expect(try await server.request(.GET, "/api/auth/me", token: user.token).status == 200)
        }
    }

    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: String) -> Data {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64) ?? Data()
    }
}
