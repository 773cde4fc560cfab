/// RFC 2047 encoded words (`=?UTF-8?B?...?=` / `=?UTF-8?Q?...?=`) for non-ASCII
/// subjects and display names.
enum EncodedWord {
    /// RFC 2047 2: an encoded word is at most 75 characters.
    static let maxLength = 75
    private static let overhead = "=?UTF-8?B?".utf8.count + "?=".utf8.count
    private static let hex = Array("0123456789ABCDEF".utf8)

    enum Style { case b, q }

    /// The words for `text`, each a complete encoded word. Splits only between
    /// Unicode scalars (RFC 2047 5: each word must hold whole characters), and
    /// picks Q when it is shorter (mostly-ASCII text stays readable), else B.
    ///
    /// `firstWordRoom` is the space left on the header's first line, so that
    /// `Subject: =?...?=` also stays within 78 characters.
    static func words(for text: String, firstWordRoom: Int = maxLength) -> [[UInt8]] {
        let style = preferredStyle(for: text)
        let fullBudget = maxLength - overhead
        var budget = min(fullBudget, max(firstWordRoom - overhead, 8))
        var words = [[UInt8]]()
        var pending = [UInt8]()   // raw UTF-8 of the current word
        var pendingQLength = 0
        var scalarBytes = [UInt8]()
        for scalar in text.unicodeScalars {
            scalarBytes.removeAll(keepingCapacity: true)
            scalarBytes.append(contentsOf: String(scalar).utf8)
            let scalarQLength = qLength(of: scalarBytes)
            let grown = style == .b
                ? bLength(pending.count + scalarBytes.count)
                : pendingQLength + scalarQLength
            if !pending.isEmpty && grown > budget {
                // Break after the last space when there is one, so a reader that
                // keeps the folding whitespace (against 6.2) only doubles a space
                // rather than splitting a word.
                let cut = pending.lastIndex(of: UInt8(ascii: " ")).map { $0 + 1 } ?? pending.count
                words.append(encode(Array(pending[..<cut]), style: style))
                pending.removeSubrange(..<cut)
                pendingQLength = qLength(of: pending)
                budget = fullBudget
            }
            pending.append(contentsOf: scalarBytes)
            pendingQLength += scalarQLength
        }
        if !pending.isEmpty || words.isEmpty {
            words.append(encode(pending, style: style))
        }
        return words
    }

    private static func qLength<Bytes: Sequence<UInt8>>(of bytes: Bytes) -> Int {
        bytes.reduce(0) { $0 + (isQLiteral($1) || $1 == UInt8(ascii: " ") ? 1 : 3) }
    }

    private static func bLength(_ byteCount: Int) -> Int {
        (byteCount + 2) / 3 * 4
    }

    static func preferredStyle(for text: String) -> Style {
        qLength(of: text.utf8) <= bLength(text.utf8.count) ? .q : .b
    }

    private static func encode(_ bytes: [UInt8], style: Style) -> [UInt8] {
        var word = Array((style == .b ? "=?UTF-8?B?" : "=?UTF-8?Q?").utf8)
        switch style {
        case .b:
            Base64.encodeUnbroken(bytes, into: &word)
        case .q:
            for byte in bytes {
                if byte == UInt8(ascii: " ") {
                    word.append(UInt8(ascii: "_"))
                } else if isQLiteral(byte) {
                    word.append(byte)
                } else {
                    word.append(UInt8(ascii: "="))
                    word.append(hex[Int(byte >> 4)])
                    word.append(hex[Int(byte & 0xF)])
                }
            }
        }
        word.append(contentsOf: "?=".utf8)
        return word
    }

    /// RFC 2047 5(3): the characters a Q word may carry as themselves even inside
    /// a phrase (display name); everything else, `=`, `?` and `_` included, is `=XX`.
    private static func isQLiteral(_ byte: UInt8) -> Bool {
        AddressSyntax.isLetterDigit(byte) || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "*")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/")
    }
}
