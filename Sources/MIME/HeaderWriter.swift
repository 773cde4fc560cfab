/// Writes header fields into the message buffer, folding long ones
/// (RFC 5322 2.2.3) by putting CRLF before a space, never inside a token.
struct HeaderWriter {
    /// RFC 5322 2.1.1: lines SHOULD be at most 78 characters.
    static let preferredLineLength = 78

    var bytes: [UInt8]
    private var column = 0

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func startField(_ name: String) {
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ":"))
        column = name.utf8.count + 1
    }

    /// Appends an unbreakable token, separated from the previous one (or the
    /// field's colon) by one space or, when the line would grow past 78
    /// characters, by a fold.
    mutating func appendToken<Token: Collection<UInt8>>(_ token: Token) {
        let length = token.count
        // Fold only when the token then fits: a URL longer than a line stays put.
        if column + 1 + length > Self.preferredLineLength && 1 + length <= Self.preferredLineLength {
            bytes.append(13); bytes.append(10); bytes.append(UInt8(ascii: " "))
            column = 1
        } else {
            bytes.append(UInt8(ascii: " "))
            column += 1
        }
        bytes.append(contentsOf: token)
        column += length
    }

    /// ASCII unstructured text (RFC 5322 3.2.5), folded only at its own spaces so
    /// that unfolding (removing the CRLFs) gives back exactly the same text.
    mutating func appendUnstructured(_ text: String) {
        var first = true
        for word in text.utf8.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false) {
            if first {
                appendToken(word)
                first = false
            } else if word.isEmpty {
                // A run of spaces: keep each one, never fold onto a blank line.
                bytes.append(UInt8(ascii: " "))
                column += 1
            } else {
                appendToken(word)
            }
        }
    }

    mutating func endField() {
        bytes.append(13); bytes.append(10)
        column = 0
    }

    mutating func appendField(_ name: String, _ value: String) {
        startField(name)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: value.utf8)
        endField()
    }
}
