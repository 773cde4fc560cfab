/// RFC 2045 6.8 base64 in lines of 76 characters separated by CRLF.
enum Base64Lines {
    static let lineLength = 76
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ data: [UInt8], into out: inout [UInt8]) {
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

    /// The characters only, no line breaks: for RFC 2047 "B" encoded words.
    static func encodeUnbroken(_ data: ArraySlice<UInt8>, into out: inout [UInt8]) {
        let bytes = Array(data)
        var index = 0
        while index < bytes.count {
            appendGroup(bytes, at: index, into: &out)
            index += 3
        }
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
