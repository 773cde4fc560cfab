/// A text body in canonical form (RFC 2046 4.1.1: lines end in CRLF) and the
/// content-transfer-encoding that carries it best.
struct TextBody {
    enum TransferEncoding: String {
        case sevenBit = "7bit"
        case quotedPrintable = "quoted-printable"
        case base64
    }

    /// RFC 5322 2.1.1: a line may not exceed 998 octets; longer ones must be encoded.
    static let maxRawLineLength = 998

    let bytes: [UInt8]
    let encoding: TransferEncoding

    init(_ text: String) {
        var text = text
        var canonical = [UInt8]()
        var nonASCII = 0
        var controls = 0
        var longestLine = 0
        text.withUTF8 { source in
            canonical.reserveCapacity(source.count + source.count / 32 + 2)
            var lineLength = 0
            var index = 0
            while index < source.count {
                let byte = source[index]
                if byte == 13 || byte == 10 {
                    // CRLF, lone CR and lone LF all become CRLF.
                    if byte == 13 && index + 1 < source.count && source[index + 1] == 10 { index += 1 }
                    canonical.append(13); canonical.append(10)
                    longestLine = max(longestLine, lineLength)
                    lineLength = 0
                } else {
                    if byte >= 0x80 { nonASCII += 1 } else if byte < 0x20 && byte != 9 || byte == 0x7F { controls += 1 }
                    canonical.append(byte)
                    lineLength += 1
                }
                index += 1
            }
            longestLine = max(longestLine, lineLength)
        }
        bytes = canonical
        if nonASCII == 0 && controls == 0 && longestLine <= Self.maxRawLineLength {
            encoding = .sevenBit
        } else if nonASCII * 5 > canonical.count {
            // Quoted-printable triples every non-ASCII byte; past about a fifth of
            // the text (Japanese, Chinese) base64's fixed 4/3 is smaller.
            encoding = .base64
        } else {
            encoding = .quotedPrintable
        }
    }

    func write(into out: inout [UInt8]) {
        switch encoding {
        case .sevenBit: out.append(contentsOf: bytes)
        case .quotedPrintable: QuotedPrintable.encode(bytes, into: &out)
        case .base64: Base64.encodeLines(bytes, into: &out)
        }
    }
}
