import CompeteRedis
import NIOCore
import NIOEmbedded
import Testing

@Suite struct RESPMalformedInputTests {
    @Test(arguments: [
        "?what\r\n",                 // unknown type byte
        "OK\r\n",                    // inline text is not a reply
        ":12a\r\n",                  // integer with junk
        ":\r\n",                     // empty integer
        ":99999999999999999999\r\n", // integer overflow
        "$abc\r\n",                  // bulk length not a number
        "$-2\r\n",                   // negative length other than the null -1
        "$3\r\nabcXY",               // payload not followed by CRLF
        "$999999999999\r\n",         // longer than Redis allows
        "*-7\r\n",                   // negative array length
        "*x\r\n",                    // array length not a number
        "+OK\rX",                    // CR without LF
        "*2\r\n:1\r\n!\r\n",         // bad element inside an array
    ])
    func rejectsMalformedFrame(wire: String) {
        let error = #expect(throws: RedisError.self) {
            _ = try decode(Array(wire.utf8), chunkSize: .max)
        }
        guard case .protocolViolation(let message)? = error else {
            Issue.record("expected a protocol violation, got \(String(describing: error))")
            return
        }
        #expect(!message.isEmpty)
    }

    @Test func rejectsALineThatNeverEnds() {
        let wire = Array("+".utf8) + Array(repeating: UInt8(ascii: "a"), count: 1024 * 1024 + 10)
        #expect(throws: RedisError.self) { _ = try decode(wire, chunkSize: 64 * 1024) }
    }

    @Test func malformedInputIsReportedThroughThePipeline() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RESPDecoder()))
        #expect(throws: RedisError.self) { try channel.writeInbound(ByteBuffer(string: "+OK\r\n%bad\r\n")) }
        #expect(try channel.readInbound(as: RESPValue.self) == .simpleString("OK"))
        _ = try? channel.finish()
    }
}
