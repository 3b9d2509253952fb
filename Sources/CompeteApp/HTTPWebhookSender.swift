import AsyncHTTPClient
import CompeteCore
import CompeteJobs
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Sends webhook attempts over HTTP: `POST url` with the event's JSON body and the Standard
/// Webhooks headers, no redirects followed, `timeout` for the whole exchange. Before every
/// attempt the target is checked again against the address policy (the name may have been
/// pointed somewhere else since the subscription was made).
struct HTTPWebhookSender: WebhookSender {
    let client: HTTPClient
    let policy: WebhookTargetPolicy
    let timeout: TimeAmount

    static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.connectionPool = .init(idleTimeout: .seconds(30))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func send(_ dispatch: WebhookDispatch, now: Date) async -> WebhookAttemptResult {
        do {
            let target = try WebhookTarget(dispatch.url)
            if let refusal = await policy.refusal(target, strict: true) { return .failed("refused: \(refusal)") }
            let id = dispatch.eventId.uuidString.lowercased()
            let timestamp = Int(now.timeIntervalSince1970)
            var request = HTTPClientRequest(url: target.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "MiniCompete-Webhooks/1")
            request.headers.add(name: "webhook-id", value: id)
            request.headers.add(name: "webhook-timestamp", value: String(timestamp))
            request.headers.add(name: "webhook-signature", value: try WebhookSignature.sign(
                id: id, timestamp: timestamp, body: dispatch.body, secret: dispatch.secret
            ))
            request.body = .bytes(ByteBuffer(string: dispatch.body))
            let deadline = NIODeadline.now() + timeout
            let response = try await client.execute(request, deadline: deadline)
            // Drain the answer (within the same deadline) so the connection can be reused.
            for try await _ in response.body {}
            return .answered(Int(response.status.code))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return .failed("timed out after \(timeout.nanoseconds / 1_000_000) ms")
        } catch {
            return .failed(String(describing: error).prefix(300).description)
        }
    }
}
