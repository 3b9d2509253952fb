import CompeteRedis
import NIOCore
import NIOEmbedded
import Testing

/// One RESP2 frame and the value it must decode to.
struct Frame: Sendable, CustomTestStringConvertible {
    let wire: String
    let value: RESPValue
    var testDescription: String { wire.replacingOccurrences(of: "\r\n", with: "⏎") }

    static let all: [Frame] = [
        Frame(wire: "+OK\r\n", value: .simpleString("OK")),
        Frame(wire: "+\r\n", value: .simpleString("")),
        Frame(wire: "-ERR unknown command 'FOO'\r\n", value: .error("ERR unknown command 'FOO'")),
        Frame(wire: ":0\r\n", value: .integer(0)),
        Frame(wire: ":-42\r\n", value: .integer(-42)),
        Frame(wire: ":9223372036854775807\r\n", value: .integer(Int.max)),
        Frame(wire: "$5\r\nhello\r\n", value: .bulkString("hello")),
        Frame(wire: "$0\r\n\r\n", value: .bulkString("")),
        Frame(wire: "$-1\r\n", value: .bulkString(nil)),
        Frame(wire: "$4\r\na\r\nb\r\n", value: .bulkString("a\r\nb")),
        Frame(wire: "*-1\r\n", value: .array(nil)),
        Frame(wire: "*0\r\n", value: .array([])),
        Frame(wire: "*2\r\n$1\r\na\r\n:7\r\n", value: .array([.bulkString("a"), .integer(7)])),
        Frame(wire: "*3\r\n*2\r\n:1\r\n*1\r\n$-1\r\n*0\r\n-WRONGTYPE x\r\n",
              value: .array([.array([.integer(1), .array([.bulkString(nil)])]), .array([]), .error("WRONGTYPE x")])),
        Frame(wire: "*1\r\n*1\r\n*1\r\n*-1\r\n", value: .array([.array([.array([.array(nil)])])])),
    ]
}

/// `count` bytes of a 251-byte pattern: cheap to build in a debug build, and a prime period
/// makes a byte lost or doubled at any chunk boundary show up as a mismatch.
func patternedBytes(count: Int) -> ByteBuffer {
    let period = (0..<251).map { UInt8($0) }
    var buffer = ByteBuffer()
    buffer.reserveCapacity(count)
    while buffer.readableBytes + period.count <= count {
        buffer.writeBytes(period)
    }
    buffer.writeBytes(period.prefix(count - buffer.readableBytes))
    return buffer
}

/// Feeds `bytes` to a fresh decoder in chunks of `chunkSize`, as the network would, and returns
/// every value decoded plus the bytes left over.
func decode(_ bytes: [UInt8], chunkSize: Int) throws -> (values: [RESPValue], leftover: Int) {
    var decoder = RESPDecoder()
    var buffer = ByteBuffer()
    var values: [RESPValue] = []
    var offset = 0
    while offset < bytes.count {
        let end = min(offset + chunkSize, bytes.count)
        buffer.writeBytes(bytes[offset..<end])
        offset = end
        while let value = try decoder.decode(&buffer) {
            values.append(value)
        }
    }
    return (values, buffer.readableBytes)
}

@Suite struct RESPDecoderTests {
    @Test(arguments: Frame.all)
    func decodesWholeFrame(frame: Frame) throws {
        let result = try decode(Array(frame.wire.utf8), chunkSize: .max)
        #expect(result.values == [frame.value])
        #expect(result.leftover == 0)
    }

    @Test(arguments: Frame.all)
    func decodesFrameFedOneByteAtATime(frame: Frame) throws {
        let result = try decode(Array(frame.wire.utf8), chunkSize: 1)
        #expect(result.values == [frame.value])
        #expect(result.leftover == 0)
    }

    @Test func decodesAStreamOfFramesOneByteAtATime() throws {
        let stream = Frame.all.map(\.wire).joined()
        let result = try decode(Array(stream.utf8), chunkSize: 1)
        #expect(result.values == Frame.all.map(\.value))
    }

    @Test func incompleteFrameYieldsNothingAndKeepsItsBytes() throws {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer(string: "$10\r\nhello")
        #expect(try decoder.decode(&buffer) == nil)
        #expect(buffer.readableBytes == 10, "a partial bulk string must stay unconsumed")
        buffer.writeString("world\r\n")
        #expect(try decoder.decode(&buffer) == .bulkString("helloworld"))
    }

    @Test func bulkStringsAreBinarySafe() throws {
        let payload = (0...255).map { UInt8($0) } + Array("\r\n$3\r\n".utf8)
        var wire = Array("$\(payload.count)\r\n".utf8)
        wire += payload + Array("\r\n".utf8)
        let result = try decode(wire, chunkSize: 3)
        #expect(result.values.first?.bytes == payload)
    }

    @Test func decodesFiveMegabyteBulkStringInOddChunks() throws {
        let payload = patternedBytes(count: 5 * 1024 * 1024)
        var wire = ByteBuffer(string: "$\(payload.readableBytes)\r\n")
        wire.writeImmutableBuffer(payload)
        wire.writeString("\r\n:1\r\n")
        for chunkSize in [65_536, 7_919] {
            let result = try decode(Array(wire.readableBytesView), chunkSize: chunkSize)
            #expect(result.values == [.bulkString(payload), .integer(1)])
        }
    }

    @Test func decodesAnArrayOfManyElementsArrivingInPieces() throws {
        let count = 20_000
        let wire = "*\(count)\r\n" + (0..<count).map { ":\($0)\r\n" }.joined()
        let result = try decode(Array(wire.utf8), chunkSize: 100)
        #expect(result.values == [.array((0..<count).map { .integer($0) })])
    }

    @Test func decodesThroughAByteToMessageHandlerOneByteAtATime() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RESPDecoder()))
        let stream = Frame.all.map(\.wire).joined()
        for byte in stream.utf8 {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        var values: [RESPValue] = []
        while let value = try channel.readInbound(as: RESPValue.self) {
            values.append(value)
        }
        #expect(values == Frame.all.map(\.value))
        #expect(try channel.finish().isClean)
    }
}
