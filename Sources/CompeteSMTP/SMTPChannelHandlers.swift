import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// Splits the byte stream into lines at CRLF (a bare LF is tolerated). A line longer than
/// RFC 5321's reply limit many times over is a broken or hostile server.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String
    static let maximumLineLength = 64 * 1024

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength {
                throw SMTPError.protocolViolation("reply line longer than \(Self.maximumLineLength) bytes")
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        guard var line = buffer.readString(length: length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }
}

/// Something to write (nil: only wait, as for the greeting) and the reply it waits for.
struct SMTPRequest: Sendable {
    let payload: ByteBuffer?
    let promise: EventLoopPromise<SMTPReply>
    let timeout: TimeAmount
    /// Names the step in a timeout error.
    let step: String
}

/// Matches replies to requests. SMTP without PIPELINING answers one command at a time, so the
/// connection sends one request and waits; a reply that arrives with nobody waiting (a 421
/// "closing" between messages) is kept for the next request, which then sees it. A timeout or
/// protocol error leaves the order uncertain: every waiter fails and the channel closes.
final class SMTPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = String
    typealias OutboundIn = SMTPRequest
    typealias OutboundOut = ByteBuffer

    private struct Waiting {
        let promise: EventLoopPromise<SMTPReply>
        let timer: Scheduled<Void>
    }

    private var parser = SMTPReplyParser()
    private var waiting = CircularBuffer<Waiting>()
    private var early = CircularBuffer<SMTPReply>()
    private var failure: SMTPError?
    /// Shared with the connection, which reports it for writes that find the channel closed.
    private let sharedFailure: NIOLockedValueBox<SMTPError?>

    init(failure: NIOLockedValueBox<SMTPError?>) {
        sharedFailure = failure
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = Self.unwrapOutboundIn(data)
        if let failure {
            request.promise.fail(failure)
            promise?.fail(failure)
            return
        }
        if let payload = request.payload {
            context.write(Self.wrapOutboundOut(payload), promise: promise)
        } else {
            promise?.succeed(())
        }
        if let reply = early.popFirst() {
            request.promise.succeed(reply)
            return
        }
        let step = request.step
        let timer = context.eventLoop.assumeIsolated().scheduleTask(in: request.timeout) {
            self.failAll(.timeout("no reply to \(step) within \(request.timeout.nanoseconds / 1_000_000) ms"), context: context)
        }
        waiting.append(Waiting(promise: request.promise, timer: timer))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = Self.unwrapInboundIn(data)
        do {
            guard let reply = try parser.feed(line) else { return }
            if let head = waiting.popFirst() {
                head.timer.cancel()
                head.promise.succeed(reply)
            } else {
                early.append(reply)
            }
        } catch {
            failAll(error as? SMTPError ?? .protocolViolation("\(error)"), context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A certificate that does not verify says so, instead of looking like a network fault.
        let tls = error is NIOSSLError || error is BoringSSLError ? SMTPError.tls("\(error)") : nil
        failAll(error as? SMTPError ?? tls ?? .connection("\(error)"), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connection("the server closed the connection"), context: context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(.connection("connection handler removed"), context: context)
    }

    /// Fails every waiter and closes. The first error wins.
    private func failAll(_ error: SMTPError, context: ChannelHandlerContext) {
        let first = failure == nil
        if first {
            failure = error
            sharedFailure.withLockedValue { $0 = error }
        }
        let failed = waiting
        waiting.removeAll()
        for waiter in failed {
            waiter.timer.cancel()
            waiter.promise.fail(error)
        }
        if first { context.close(promise: nil) }
    }
}
