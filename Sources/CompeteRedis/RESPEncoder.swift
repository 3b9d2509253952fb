import NIOCore

/// Writes RESP2. Commands go to Redis as an array of bulk strings, which is binary safe: the
/// length prefix, not a delimiter, ends each argument, so arguments may hold `\r\n` or NUL bytes.
public enum RESPEncoder {
    /// Appends one command, e.g. `["SET", "key", "value"]`, to `buffer`.
    public static func encode(command: [RedisArgument], into buffer: inout ByteBuffer) {
        writeHeader(UInt8(ascii: "*"), command.count, into: &buffer)
        for argument in command {
            writeBulk(argument.buffer, into: &buffer)
        }
    }

    /// Appends any value. The client only sends commands; this exists for tests and fake servers
    /// that need to produce replies.
    public static func encode(_ value: RESPValue, into buffer: inout ByteBuffer) {
        switch value {
        case .simpleString(let text):
            writeLine(UInt8(ascii: "+"), text, into: &buffer)
        case .error(let message):
            writeLine(UInt8(ascii: "-"), message, into: &buffer)
        case .integer(let number):
            writeHeader(UInt8(ascii: ":"), number, into: &buffer)
        case .bulkString(nil):
            writeHeader(UInt8(ascii: "$"), -1, into: &buffer)
        case .bulkString(let bytes?):
            writeBulk(bytes, into: &buffer)
        case .array(nil):
            writeHeader(UInt8(ascii: "*"), -1, into: &buffer)
        case .array(let elements?):
            writeHeader(UInt8(ascii: "*"), elements.count, into: &buffer)
            for element in elements {
                encode(element, into: &buffer)
            }
        }
    }

    private static func writeBulk(_ bytes: ByteBuffer, into buffer: inout ByteBuffer) {
        writeHeader(UInt8(ascii: "$"), bytes.readableBytes, into: &buffer)
        buffer.writeImmutableBuffer(bytes)
        buffer.writeStaticString("\r\n")
    }

    private static func writeHeader(_ type: UInt8, _ number: Int, into buffer: inout ByteBuffer) {
        writeLine(type, String(number), into: &buffer)
    }

    private static func writeLine(_ type: UInt8, _ text: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(type)
        buffer.writeString(text)
        buffer.writeStaticString("\r\n")
    }
}
