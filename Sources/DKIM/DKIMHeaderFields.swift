/// One header field of a message as it was written: its name and its value with any folding, without the colon
/// and the final CRLF.
public struct DKIMHeaderField: Sendable {
    public let name: ArraySlice<UInt8>
    public let value: ArraySlice<UInt8>

    /// The name lowercased, for matching `h=` entries (header names are case-insensitive, RFC 5322 1.2.2).
    public var lowercasedName: String {
        String(decoding: name.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }, as: UTF8.self)
    }
}

/// A message split at the blank line that ends its header section (RFC 5322 2.1).
public struct DKIMMessageParts: Sendable {
    public let fields: [DKIMHeaderField]
    /// Index of the body's first byte in the message (its count when there is no body).
    public let bodyStart: Int

    /// Reads the header fields of CRLF-terminated message bytes; a continuation line (starting with WSP) belongs
    /// to the field above it. Returns nil when the bytes have no header/body separator.
    public init?(_ message: [UInt8]) {
        var fields: [DKIMHeaderField] = []
        var lineStart = 0
        var fieldStart = -1
        var colon = -1
        var index = 0
        let count = message.count
        func close(upTo end: Int) {
            guard fieldStart >= 0, colon > fieldStart else { return }
            var nameEnd = colon
            // RFC 6376 3.4.2 drops WSP before the colon; the name itself never has any.
            while nameEnd > fieldStart && DKIMCanonicalization.isWSP(message[nameEnd - 1]) { nameEnd -= 1 }
            fields.append(DKIMHeaderField(name: message[fieldStart..<nameEnd], value: message[(colon + 1)..<end]))
        }
        while index + 1 < count {
            guard message[index] == 13 && message[index + 1] == 10 else {
                index += 1
                continue
            }
            // A line ends at `index`.
            if index == lineStart {
                close(upTo: max(lineStart - 2, 0))
                self.fields = fields
                self.bodyStart = index + 2
                return
            }
            let next = index + 2
            let continues = next < count && DKIMCanonicalization.isWSP(message[next])
            if !continues {
                if fieldStart < 0 { fieldStart = lineStart }
                if colon < 0 { colon = message[fieldStart..<index].firstIndex(of: UInt8(ascii: ":")) ?? -1 }
                close(upTo: index)
                fieldStart = -1
                colon = -1
            } else if fieldStart < 0 {
                fieldStart = lineStart
                colon = message[fieldStart..<index].firstIndex(of: UInt8(ascii: ":")) ?? -1
            }
            lineStart = next
            index = next
        }
        return nil
    }
}
