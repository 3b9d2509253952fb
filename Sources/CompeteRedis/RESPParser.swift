import NIOCore

/// Incremental RESP2 parser: feed it whatever bytes have arrived and it returns each value once
/// all of its bytes are there.
///
/// It consumes bytes only in whole pieces (one line, or one line plus its bulk payload), so a
/// partial piece stays in the buffer for the next call. Arrays are assembled on an explicit stack
/// rather than by recursion: a reply of many elements arriving in small reads is parsed once, not
/// re-parsed from its first element on every read, and a deeply nested reply cannot overflow the
/// call stack.
struct RESPParser {
    /// Redis's own ceiling for a bulk string (`proto-max-bulk-len` default).
    static let maxBulkLength = 512 * 1024 * 1024
    /// Lines (status, error, integer, lengths) are short; the bound stops a peer that never sends
    /// `\r\n` from growing the buffer without end. Long enough for a script's verbose error.
    static let maxLineLength = 1024 * 1024

    private struct OpenArray {
        let count: Int
        var elements: [RESPValue]
    }

    private enum Token {
        case value(RESPValue)
        case arrayHeader(count: Int)
    }

    private var open: [OpenArray] = []

    /// True when the bytes consumed so far end inside an array, i.e. a reply is half read.
    var isInsideValue: Bool { !open.isEmpty }

    /// Returns the next complete value and consumes its bytes, or returns `nil` when more bytes
    /// are needed. Throws ``RedisError/protocolViolation(_:)`` on malformed input; the parser must
    /// not be used after that, because its position in the stream is lost.
    mutating func next(from buffer: inout ByteBuffer) throws -> RESPValue? {
        while let token = try readToken(from: &buffer) {
            switch token {
            case .arrayHeader(let count):
                // Reserve modestly: the count comes from the network and may be a lie.
                var elements: [RESPValue] = []
                elements.reserveCapacity(min(count, 1024))
                open.append(OpenArray(count: count, elements: elements))
            case .value(let value):
                if let complete = close(value) { return complete }
            }
        }
        return nil
    }

    /// Adds a finished value to the innermost open array, closing every array it completes;
    /// returns the outermost value once no array is left open.
    private mutating func close(_ value: RESPValue) -> RESPValue? {
        var finished = value
        while var innermost = open.popLast() {
            innermost.elements.append(finished)
            if innermost.elements.count < innermost.count {
                open.append(innermost)
                return nil
            }
            finished = .array(innermost.elements)
        }
        return finished
    }

    private func readToken(from buffer: inout ByteBuffer) throws -> Token? {
        guard let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
              let lineLength = try Self.lineLength(in: buffer)
        else { return nil }
        let line = buffer.getString(at: buffer.readerIndex + 1, length: lineLength) ?? ""
        let headerLength = 1 + lineLength + 2

        switch type {
        case UInt8(ascii: "+"):
            buffer.moveReaderIndex(forwardBy: headerLength)
            return .value(.simpleString(line))
        case UInt8(ascii: "-"):
            buffer.moveReaderIndex(forwardBy: headerLength)
            return .value(.error(line))
        case UInt8(ascii: ":"):
            let number = try Self.integer(line, what: "integer")
            buffer.moveReaderIndex(forwardBy: headerLength)
            return .value(.integer(number))
        case UInt8(ascii: "$"):
            let length = try Self.integer(line, what: "bulk string length")
            if length == -1 {
                buffer.moveReaderIndex(forwardBy: headerLength)
                return .value(.bulkString(nil))
            }
            guard (0...Self.maxBulkLength).contains(length) else {
                throw RedisError.protocolViolation("bulk string length \(length) is out of range")
            }
            // The header is left unconsumed until the payload is complete, so nothing is lost
            // when a large bulk string arrives over many reads.
            guard buffer.readableBytes >= headerLength + length + 2 else { return nil }
            let payloadEnd = buffer.readerIndex + headerLength + length
            guard buffer.getInteger(at: payloadEnd, as: UInt16.self) == Self.crlf else {
                throw RedisError.protocolViolation("bulk string of \(length) bytes is not followed by \\r\\n")
            }
            buffer.moveReaderIndex(forwardBy: headerLength)
            let payload = buffer.readSlice(length: length)
            buffer.moveReaderIndex(forwardBy: 2)
            return .value(.bulkString(payload))
        case UInt8(ascii: "*"):
            let count = try Self.integer(line, what: "array length")
            buffer.moveReaderIndex(forwardBy: headerLength)
            switch count {
            case -1: return .value(.array(nil))
            case 0: return .value(.array([]))
            case 1...Int(Int32.max): return .arrayHeader(count: count)
            default: throw RedisError.protocolViolation("array length \(count) is out of range")
            }
        default:
            throw RedisError.protocolViolation("unknown type byte 0x\(String(type, radix: 16)) (RESP2 has + - : $ *)")
        }
    }

    private static let crlf = UInt16(UInt8(ascii: "\r")) << 8 | UInt16(UInt8(ascii: "\n"))

    /// Length of the line after the type byte, excluding `\r\n`; `nil` while it is incomplete.
    private static func lineLength(in buffer: ByteBuffer) throws -> Int? {
        let bytes = buffer.readableBytesView.dropFirst()
        guard let carriageReturn = bytes.firstIndex(of: UInt8(ascii: "\r")) else {
            if bytes.count > maxLineLength {
                throw RedisError.protocolViolation("line longer than \(maxLineLength) bytes without \\r\\n")
            }
            return nil
        }
        let lineFeed = bytes.index(after: carriageReturn)
        guard lineFeed < bytes.endIndex else { return nil }
        guard bytes[lineFeed] == UInt8(ascii: "\n") else {
            throw RedisError.protocolViolation("\\r not followed by \\n")
        }
        return bytes.distance(from: bytes.startIndex, to: carriageReturn)
    }

    private static func integer(_ text: String, what: String) throws -> Int {
        guard let number = Int(text) else {
            throw RedisError.protocolViolation("\(what) '\(text.prefix(40))' is not an integer")
        }
        return number
    }
}
