/// RFC 2045 6.7 quoted-printable for text whose line breaks are already CRLF.
enum QuotedPrintable {
    /// Rule 5: encoded lines are at most 76 characters, including a soft break's `=`.
    static let maxLineLength = 76
    private static let hex = Array("0123456789ABCDEF".utf8)

    static func encode(_ text: [UInt8], into out: inout [UInt8]) {
        out.reserveCapacity(out.count + text.count + text.count / 8 + 16)
        var lineStart = 0
        var index = 0
        while index <= text.count {
            let atBreak = index + 1 < text.count && text[index] == 13 && text[index + 1] == 10
            if index == text.count || atBreak {
                encodeLine(text[lineStart..<index], into: &out)
                if atBreak {
                    out.append(13); out.append(10)
                    index += 2
                    lineStart = index
                    continue
                }
                break
            }
            index += 1
        }
    }

    /// One hard line, with soft breaks (rule 5) where it is too long.
    private static func encodeLine(_ line: ArraySlice<UInt8>, into out: inout [UInt8]) {
        var column = 0
        var index = line.startIndex
        while index < line.endIndex {
            let byte = line[index]
            let isLast = index == line.endIndex - 1
            var literal = isLiteral(byte, isLast: isLast, atLineStart: column == 0)
            // Room must remain for the soft break's "=" unless this is the line's last byte.
            let limit = isLast ? maxLineLength : maxLineLength - 1
            if column + (literal ? 1 : 3) > limit {
                out.append(UInt8(ascii: "=")); out.append(13); out.append(10)
                column = 0
                literal = isLiteral(byte, isLast: isLast, atLineStart: true)
            }
            if literal {
                out.append(byte)
                column += 1
            } else {
                out.append(UInt8(ascii: "="))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
                column += 3
            }
            index += 1
        }
    }

    /// Rules 2 and 3: printable ASCII except `=` stands for itself; space and tab
    /// only when not at the end of a line, where transports may strip them. A `.`
    /// at the start of a line is encoded too, in case a relay forgets dot-stuffing
    /// (RFC 5321 4.5.2); it costs two bytes and decodes the same.
    private static func isLiteral(_ byte: UInt8, isLast: Bool, atLineStart: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "="): return false
        case UInt8(ascii: " "), UInt8(ascii: "\t"): return !isLast
        case UInt8(ascii: "."): return !atLineStart
        case 33...126: return true
        default: return false
        }
    }
}
