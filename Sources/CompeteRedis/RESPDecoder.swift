import NIOCore

/// A NIO `ByteToMessageDecoder` that turns the byte stream from Redis into ``RESPValue``s.
///
/// Install it as `ByteToMessageHandler(RESPDecoder())`. Partial frames wait in the handler's
/// buffer until complete; malformed input throws ``RedisError/protocolViolation(_:)``, which the
/// pipeline reports through `errorCaught`.
public struct RESPDecoder: ByteToMessageDecoder {
    public typealias InboundOut = RESPValue

    private var parser = RESPParser()

    /// A decoder at the start of a stream.
    public init() {}

    /// Decodes without a channel, for tools and tests: returns the next complete value from
    /// `buffer` (consuming its bytes) or `nil` if more bytes are needed.
    public mutating func decode(_ buffer: inout ByteBuffer) throws -> RESPValue? {
        try parser.next(from: &buffer)
    }

    /// Emits every complete value in `buffer` as an inbound `RESPValue`.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let value = try parser.next(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(value))
        return .continue
    }

    /// At end of stream a half-received reply is simply dropped here: the command handler fails
    /// the commands still waiting for replies when the channel goes inactive.
    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}
