import Logging
import NIOCore

/// Commands written together and answered together: one for `send`, many for `pipeline`.
struct RedisRequest: Sendable {
    let payload: ByteBuffer
    let replyCount: Int
    let promise: EventLoopPromise<[RESPValue]>
    let timeout: TimeAmount
}

/// Outbound user event: close the channel once every command already written has its reply.
struct RedisGracefulClose: Sendable {}

/// Matches replies to commands. Redis answers strictly in order, so a FIFO of waiting requests
/// is all the bookkeeping pipelining needs.
///
/// The one thing that must never happen is handing a reply to the wrong command. Therefore any
/// event that makes the order uncertain — a timeout (its reply may still arrive), a malformed or
/// unsolicited reply, an I/O error — fails every waiting command and closes the channel, and the
/// pool opens a fresh connection for the next command.
final class RedisCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private struct Waiting {
        let id: UInt64
        let replyCount: Int
        let promise: EventLoopPromise<[RESPValue]>
        let timer: Scheduled<Void>
    }

    private var waiting = CircularBuffer<Waiting>()
    /// Replies received so far for the request at the head of `waiting`.
    private var headReplies: [RESPValue] = []
    private var nextID: UInt64 = 0
    /// Set once the channel is unusable; later writes fail with it instead of being sent.
    private var failure: RedisError?
    private var closeRequested = false
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = Self.unwrapOutboundIn(data)
        if let refusal = failure ?? (closeRequested ? RedisError.closed : nil) {
            request.promise.fail(refusal)
            promise?.fail(refusal)
            return
        }
        let id = nextID
        nextID += 1
        let timer = context.eventLoop.assumeIsolated().scheduleTask(in: request.timeout) {
            self.timedOut(id: id, after: request.timeout, context: context)
        }
        waiting.append(Waiting(id: id, replyCount: request.replyCount, promise: request.promise, timer: timer))
        context.write(Self.wrapOutboundOut(request.payload), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = Self.unwrapInboundIn(data)
        guard let head = waiting.first else {
            failAll(.protocolViolation("reply without a command waiting for it: \(reply)"), context: context)
            return
        }
        headReplies.append(reply)
        guard headReplies.count == head.replyCount else { return }
        waiting.removeFirst()
        head.timer.cancel()
        let replies = headReplies
        headReplies = []
        head.promise.succeed(replies)
        if closeRequested, waiting.isEmpty {
            context.close(promise: nil)
        }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is RedisGracefulClose else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        closeRequested = true
        promise?.succeed(())
        if waiting.isEmpty {
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error as? RedisError ?? .connection("\(error)"), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let outstanding = waiting.count
        failAll(.connection(outstanding == 0 ? "connection closed"
                    : "connection closed with \(outstanding) request(s) waiting for a reply"),
                context: context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(.connection("connection handler removed"), context: context)
    }

    private func timedOut(id: UInt64, after timeout: TimeAmount, context: ChannelHandlerContext) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        let milliseconds = timeout.nanoseconds / 1_000_000
        logger.warning("Redis command timed out; closing the connection", metadata: ["timeout_ms": "\(milliseconds)"])
        let expired = waiting.remove(at: index)
        expired.promise.fail(RedisError.timeout("no reply within \(milliseconds) ms"))
        expired.timer.cancel()
        failAll(.connection("connection closed because an earlier command timed out"), context: context)
    }

    /// Fails every waiting request and closes the channel. Idempotent: the first error wins.
    private func failAll(_ error: RedisError, context: ChannelHandlerContext) {
        let firstFailure = failure == nil
        if firstFailure {
            failure = error
        }
        let failed = waiting
        waiting.removeAll()
        headReplies = []
        for request in failed {
            request.timer.cancel()
            request.promise.fail(error)
        }
        if firstFailure {
            if !failed.isEmpty {
                logger.debug("Redis connection failed with requests waiting", metadata: ["error": "\(error)", "requests": "\(failed.count)"])
            }
            context.close(promise: nil)
        }
    }
}
