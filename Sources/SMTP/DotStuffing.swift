import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Message transparency (RFC 5321 4.5.2) and body inspection, done with bulk scans: `memchr`
/// finds each line end and only the byte after it is looked at, so a message without a line
/// that starts with "." is passed on as it is, without a copy.
enum DotStuffing {
    static let terminator: StaticString = ".\r\n"

    /// Offsets of the line starts that begin with ".", which need one more "." on the wire.
    static func dotLineOffsets(in message: ByteBuffer) -> [Int] {
        message.withUnsafeReadableBytes { bytes -> [Int] in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return [] }
            var offsets: [Int] = []
            if bytes[0] == UInt8(ascii: ".") { offsets.append(0) }
            var position = 0
            while position < bytes.count,
                let found = memchr(base + position, Int32(UInt8(ascii: "\n")), bytes.count - position)
            {
                let lineStart = base.distance(to: UnsafeRawPointer(found)) + 1
                if lineStart < bytes.count, bytes[lineStart] == UInt8(ascii: ".") { offsets.append(lineStart) }
                position = lineStart
            }
            return offsets
        }
    }

    /// Writes `message` dot-stuffed, ending in CRLF, followed by the end-of-data ".CRLF".
    /// An empty message yields only ".CRLF" (used to abort a pipelined DATA, RFC 2920 3.1).
    static func write(_ message: ByteBuffer, into out: inout ByteBuffer) {
        let offsets = dotLineOffsets(in: message)
        out.reserveCapacity(minimumWritableBytes: message.readableBytes + offsets.count + 5)
        var from = 0
        for offset in offsets {
            out.writeImmutableBuffer(message.getSlice(at: message.readerIndex + from, length: offset - from)!)
            out.writeInteger(UInt8(ascii: "."))
            from = offset
        }
        out.writeImmutableBuffer(message.getSlice(at: message.readerIndex + from, length: message.readableBytes - from)!)
        out.writeBytes(lineEndBeforeTerminator(message).utf8)
        out.writeStaticString(terminator)
    }

    /// "\r\n" when the message does not already end with one (RFC 5321 4.1.1.4: the data ends
    /// with CRLF before the "."), "" otherwise.
    static func lineEndBeforeTerminator(_ message: ByteBuffer) -> String {
        let count = message.readableBytes
        guard count > 0 else { return "" }
        if count >= 2, message.getInteger(at: message.readerIndex + count - 2, as: UInt16.self) == 0x0D0A {
            return ""
        }
        return "\r\n"
    }

    /// Whether any byte has the high bit set, eight bytes at a time (decides BODY=8BITMIME).
    static func hasEightBitBytes(_ message: ByteBuffer) -> Bool {
        message.withUnsafeReadableBytes { bytes in
            let mask: UInt64 = 0x8080_8080_8080_8080
            var index = 0
            var accumulated: UInt64 = 0
            while index + 8 <= bytes.count {
                accumulated |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                index += 8
            }
            if accumulated & mask != 0 { return true }
            while index < bytes.count {
                if bytes[index] & 0x80 != 0 { return true }
                index += 1
            }
            return false
        }
    }
}
