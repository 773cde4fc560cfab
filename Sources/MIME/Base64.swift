/// Base64 (RFC 4648 4): in lines of 76 characters separated by CRLF for MIME bodies (RFC 2045 6.8), unbroken for
/// RFC 2047 "B" encoded words and SASL responses (the SMTP client's AUTH). Herald's one encoder besides
/// Foundation's, which these Foundation-free modules do not use.
public enum Base64 {
    static let lineLength = 76
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encodeLines(_ data: [UInt8], into out: inout [UInt8]) {
        out.reserveCapacity(out.count + data.count * 4 / 3 + data.count / 38 + 8)
        var column = 0
        var index = 0
        while index < data.count {
            if column == lineLength {
                out.append(13); out.append(10)
                column = 0
            }
            appendGroup(data, at: index, into: &out)
            column += 4
            index += 3
        }
    }

    /// The characters only, no line breaks.
    static func encodeUnbroken(_ data: [UInt8], into out: inout [UInt8]) {
        var index = 0
        while index < data.count {
            appendGroup(data, at: index, into: &out)
            index += 3
        }
    }

    /// The characters only, no line breaks, as a string.
    public static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        encodeUnbroken(Array(bytes), into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendGroup(_ data: [UInt8], at index: Int, into out: inout [UInt8]) {
        let remaining = data.count - index
        let b0 = UInt32(data[index])
        let b1 = remaining > 1 ? UInt32(data[index + 1]) : 0
        let b2 = remaining > 2 ? UInt32(data[index + 2]) : 0
        let group = b0 << 16 | b1 << 8 | b2
        out.append(alphabet[Int(group >> 18 & 0x3F)])
        out.append(alphabet[Int(group >> 12 & 0x3F)])
        out.append(remaining > 1 ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
        out.append(remaining > 2 ? alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
    }
}
