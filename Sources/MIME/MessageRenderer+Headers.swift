/// How subjects, display names and addresses are written into header fields.
extension MessageRenderer {
    /// Display names longer than this go into encoded words, which can be folded;
    /// a quoted string cannot.
    static let longestQuotedName = 60

    /// RFC 5322 3.4 `mailbox-list`: `name <addr>, name <addr>`, folded between tokens.
    func writeMailboxes(_ field: String, _ mailboxes: [Mailbox], into writer: inout HeaderWriter) {
        writer.startField(field)
        for (index, mailbox) in mailboxes.enumerated() {
            let separator = index == mailboxes.count - 1 ? "" : ","
            let address = mailbox.address.description
            guard let name = mailbox.displayName, !name.isEmpty else {
                writer.appendToken(Array((address + separator).utf8))
                continue
            }
            for token in Self.displayNameTokens(name) {
                writer.appendToken(token)
            }
            writer.appendToken(Array(("<" + address + ">" + separator).utf8))
        }
        writer.endField()
    }

    /// RFC 5322 3.2.5 `phrase`: plain atoms when the name is only atext and single
    /// spaces, a quoted string when it has specials (`Smith, John`), RFC 2047 words
    /// (allowed in a phrase by 2047 5(3)) when it has non-ASCII or is too long.
    static func displayNameTokens(_ name: String) -> [[UInt8]] {
        let bytes = Array(name.utf8)
        if !needsEncodedWords(bytes) && bytes.count <= longestQuotedName {
            return plainPhrase(bytes)
        }
        let words = EncodedWord.words(for: name)
        if words.count == 1 { return words }
        return mixedPhrase(bytes)
    }

    private static func plainPhrase(_ bytes: [UInt8]) -> [[UInt8]] {
        let atoms = bytes.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        if atoms.allSatisfy(isPlainAtom) {
            return atoms.map(Array.init)
        }
        var quoted: [UInt8] = [UInt8(ascii: "\"")]
        for byte in bytes {
            // RFC 5322 3.2.4: `"` and `\` inside a quoted string are escaped with `\`.
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { quoted.append(UInt8(ascii: "\\")) }
            quoted.append(byte)
        }
        quoted.append(UInt8(ascii: "\""))
        return [quoted]
    }

    /// A name too long for one encoded word. RFC 2047 6.2 says the space between two
    /// adjacent encoded words is dropped, but some readers (Python's `email` up to
    /// at least 3.11) keep it in phrases. So words that need no encoding stay plain
    /// atoms, and only runs of the others are encoded: readers agree on the space
    /// between an atom and an encoded word. Only a run too long for one word
    /// (e.g. 16+ CJK characters with no space) yields adjacent encoded words.
    private static func mixedPhrase(_ bytes: [UInt8]) -> [[UInt8]] {
        var tokens = [[UInt8]]()
        var run = [UInt8]()
        var runIsEmpty = true
        func flushRun() {
            guard !runIsEmpty else { return }
            tokens.append(contentsOf: EncodedWord.words(for: String(decoding: run, as: UTF8.self)))
            run.removeAll()
            runIsEmpty = true
        }
        for word in bytes.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false) {
            if isPlainAtom(word) {
                flushRun()
                tokens.append(Array(word))
            } else {
                if !runIsEmpty { run.append(UInt8(ascii: " ")) }
                run.append(contentsOf: word)
                runIsEmpty = false
            }
        }
        flushRun()
        return tokens
    }

    /// An RFC 5322 `atom` that no reader would mistake for an encoded word.
    private static func isPlainAtom(_ word: ArraySlice<UInt8>) -> Bool {
        !word.isEmpty && word.allSatisfy(AddressSyntax.isAtext) && word.allSatisfy({ $0 < 0x80 })
            && !needsEncodedWords(Array(word))
    }

    /// The subject (RFC 5322 3.2.5 `unstructured`): ASCII stays as is and folds at
    /// its spaces; anything else becomes encoded words.
    func writeSubject(_ value: String, into writer: inout HeaderWriter) {
        writeText("Subject", value, encode: Self.unstructuredNeedsEncoding(Array(value.utf8)), into: &writer)
    }

    /// Extra fields are written as is when they are printable ASCII (folded at
    /// spaces, long words such as URLs left long). Unstructured ones are encoded
    /// like the subject when a reader would otherwise change them (`=?`, edge
    /// spaces); structured ones (`List-Unsubscribe: <https://...?a=?b>`) never
    /// are, since readers do not decode encoded words there (RFC 2047 5).
    func writeExtraHeader(_ field: String, _ value: String, into writer: inout HeaderWriter) {
        let bytes = Array(value.utf8)
        let encode: Bool
        if Self.needsEncodedWords(bytes, allowingEncodedWordLookalikes: true)
            || Self.longestWord(bytes) > TextBody.maxRawLineLength - field.utf8.count - 2 {
            encode = true
        } else if Self.structuredFields.contains(field.lowercased()) {
            encode = false
        } else {
            encode = Self.needsEncodedWords(bytes)
                || bytes.first == UInt8(ascii: " ") || bytes.last == UInt8(ascii: " ")
        }
        writeText(field, value, encode: encode, into: &writer)
    }

    /// Extra fields with a grammar of their own (RFC 2369, RFC 8058, RFC 3834,
    /// RFC 5322 3.6.4): never RFC 2047-encoded.
    static let structuredFields: Set<String> = [
        "list-unsubscribe", "list-unsubscribe-post", "list-id", "list-help", "list-subscribe",
        "list-post", "list-owner", "list-archive", "auto-submitted", "in-reply-to", "references",
        "precedence", "feedback-id",
    ]

    private func writeText(_ field: String, _ value: String, encode: Bool, into writer: inout HeaderWriter) {
        writer.startField(field)
        if encode {
            let room = HeaderWriter.preferredLineLength - field.utf8.count - 2
            for word in EncodedWord.words(for: value, firstWordRoom: room) { writer.appendToken(word) }
        } else {
            writer.appendUnstructured(value)
        }
        writer.endField()
    }

    /// Non-ASCII, control characters, and text a decoder would mistake for an
    /// encoded word (`=?`) all need RFC 2047 encoding to survive unchanged.
    static func needsEncodedWords(_ bytes: [UInt8], allowingEncodedWordLookalikes: Bool = false) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            if byte >= 0x80 || (byte < 0x20 && byte != 9) || byte == 0x7F { return true }
            if byte == 9 && !allowingEncodedWordLookalikes { return true }
            if !allowingEncodedWordLookalikes && previous == UInt8(ascii: "=") && byte == UInt8(ascii: "?") { return true }
            previous = byte
        }
        return false
    }

    /// Beyond `needsEncodedWords`: leading or trailing spaces are dropped by
    /// unfolding readers, and a word too long to fold would break the line limit.
    static func unstructuredNeedsEncoding(_ bytes: [UInt8]) -> Bool {
        if needsEncodedWords(bytes) { return true }
        if bytes.first == UInt8(ascii: " ") || bytes.last == UInt8(ascii: " ") { return true }
        return longestWord(bytes) > HeaderWriter.preferredLineLength - 30
    }

    static func longestWord(_ bytes: [UInt8]) -> Int {
        var longest = 0
        var length = 0
        for byte in bytes {
            length = byte == UInt8(ascii: " ") ? 0 : length + 1
            longest = max(longest, length)
        }
        return longest
    }
}
