/// Splits the server's bytes into lines (CRLF, or a bare LF from a lax server), bounded in length: RFC 1939 allows
/// 512 octets for a status line, and a message line in a block is bounded by RFC 5322's 998; a longer line is
/// refused rather than buffered without end.
struct POP3LineBuffer {
    static let maximumLineLength = 8192

    private var pending: [UInt8] = []

    var isEmpty: Bool { pending.isEmpty }

    /// The complete lines in `bytes` and what came before them; nil when a line is over the limit.
    mutating func append(_ bytes: some Sequence<UInt8>) -> [[UInt8]]? {
        var lines: [[UInt8]] = []
        for byte in bytes {
            if byte == 0x0A {
                if pending.last == 0x0D { pending.removeLast() }
                lines.append(pending)
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
                if pending.count > Self.maximumLineLength { return nil }
            }
        }
        return lines
    }
}
