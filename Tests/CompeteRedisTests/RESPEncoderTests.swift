import CompeteRedis
import NIOCore
import Testing

@Suite struct RESPEncoderTests {
    @Test func encodesCommandsAsArraysOfBulkStrings() {
        var buffer = ByteBuffer()
        RESPEncoder.encode(command: ["SET", "key", "välue", 42], into: &buffer)
        #expect(String(buffer: buffer) == "*4\r\n$3\r\nSET\r\n$3\r\nkey\r\n$6\r\nvälue\r\n$2\r\n42\r\n")
    }

    @Test func commandArgumentsAreBinarySafe() throws {
        let binary: [UInt8] = [0, 13, 10, 255, 36]
        var buffer = ByteBuffer()
        RESPEncoder.encode(command: ["SET", RedisArgument(binary), ""], into: &buffer)
        let expected = Array("*3\r\n$3\r\nSET\r\n$5\r\n".utf8) + binary + Array("\r\n$0\r\n\r\n".utf8)
        #expect(Array(buffer.readableBytesView) == expected)
        // What goes out decodes back to the same arguments.
        var decoder = RESPDecoder()
        let decoded = try decoder.decode(&buffer)
        #expect(decoded == .array([.bulkString("SET"), .bulkString(ByteBuffer(bytes: binary)), .bulkString("")]))
    }

    @Test(arguments: Frame.all)
    func encodingReproducesTheWireForm(frame: Frame) {
        var buffer = ByteBuffer()
        RESPEncoder.encode(frame.value, into: &buffer)
        #expect(String(buffer: buffer) == frame.wire)
    }

    @Test func accessorsReadTheValueTheyName() {
        #expect(RESPValue.bulkString("12").int == 12)
        #expect(RESPValue.integer(3).string == "3")
        #expect(RESPValue.simpleString("OK").string == "OK")
        #expect(RESPValue.bulkString(nil).isNull && RESPValue.array(nil).isNull)
        #expect(!RESPValue.array([]).isNull && RESPValue.array([]).array == [])
        #expect(RESPValue.error("ERR x").error == "ERR x" && RESPValue.error("ERR x").string == nil)
        #expect(RESPValue.bulkString(nil).string == nil && RESPValue.integer(1).array == nil)
        #expect(RedisArgument(2.5).description == "2.5" && RedisArgument(-Double.infinity).description == "-inf")
    }
}
