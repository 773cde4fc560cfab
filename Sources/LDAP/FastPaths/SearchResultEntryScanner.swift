/// Speed-only: reads the message a search returns by the thousand, a SearchResultEntry, straight from its bytes.
///
/// The plain path, `LDAPMessage(berEncoded:)`, first builds swift-asn1's generic node tree and then walks it; for
/// a directory sync of 100,000 people that was the largest single cost in `perf` (BENCHMARKS.md, directory sync).
/// This reads the same bytes in one pass. It answers only for the plain shape: definite lengths in their shortest
/// form, primitive OCTET STRINGs, a non-negative message id, no controls, nothing after the attribute list. For
/// anything else it returns nil and the caller decodes the plain way, which also explains what is wrong with
/// malformed input. `SearchResultEntryScannerTests` checks that wherever it answers, it answers what the plain
/// path does, on generated and on corrupted messages.
enum SearchResultEntryScanner {
    static func scan(_ message: ArraySlice<UInt8>) -> LDAPMessage? {
        message.withUnsafeBufferPointer { bytes in
            var reader = Reader(bytes: bytes, at: 0, end: bytes.count)
            return reader.message()
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at: Int
        let end: Int

        /// Reads a tag and a definite, shortest-form length; the body runs from `at` to the returned end.
        mutating func enter(_ tag: UInt8) -> Int? {
            guard at + 2 <= end, bytes[at] == tag else { return nil }
            let first = bytes[at + 1]
            at += 2
            var length = Int(first)
            if first & 0x80 != 0 {
                let count = Int(first & 0x7F)
                guard (1...4).contains(count), at + count <= end, bytes[at] != 0 else { return nil }
                length = 0
                for index in 0..<count { length = length << 8 | Int(bytes[at + index]) }
                guard length >= 0x80 else { return nil }
                at += count
            }
            guard length <= end - at else { return nil }
            return at + length
        }

        mutating func octets(_ tag: UInt8 = 0x04) -> UnsafeBufferPointer<UInt8>? {
            guard let bodyEnd = enter(tag) else { return nil }
            defer { at = bodyEnd }
            return UnsafeBufferPointer(rebasing: bytes[at..<bodyEnd])
        }

        mutating func message() -> LDAPMessage? {
            guard let messageEnd = enter(0x30), messageEnd == end, let id = messageID(),
                  let entryEnd = enter(0x64), entryEnd == messageEnd, let dn = octets() else { return nil }
            guard let listEnd = enter(0x30), listEnd == entryEnd else { return nil }
            var attributes: [String: [[UInt8]]] = [:]
            while at < listEnd {
                guard let attributeEnd = enter(0x30), let typeBytes = octets(), let valuesEnd = enter(0x31) else { return nil }
                var values: [[UInt8]] = []
                while at < valuesEnd {
                    guard let value = octets(), at <= valuesEnd else { return nil }
                    values.append(Array(value))
                }
                guard at == valuesEnd, valuesEnd == attributeEnd else { return nil }
                attributes[Self.lowercased(typeBytes), default: []].append(contentsOf: values)
            }
            guard at == listEnd else { return nil }
            return LDAPMessage(id: id, operation: .searchResultEntry(LDAPEntry(trustedDN: String(decoding: dn, as: UTF8.self), attributes: attributes)))
        }

        /// INTEGER in its shortest form, 0...Int32.max.
        mutating func messageID() -> Int32? {
            guard let body = octets(0x02), (1...4).contains(body.count), body[0] & 0x80 == 0 else { return nil }
            if body.count > 1, body[0] == 0, body[1] & 0x80 == 0 { return nil }
            var value: Int32 = 0
            for byte in body { value = value << 8 | Int32(byte) }
            return value
        }

        /// The attribute description lowercased as the plain path does (`String.lowercased()`), ASCII without it.
        static func lowercased(_ type: UnsafeBufferPointer<UInt8>) -> String {
            guard type.allSatisfy({ $0 < 0x80 }) else { return String(decoding: type, as: UTF8.self).lowercased() }
            return String(unsafeUninitializedCapacity: type.count) { out in
                for (index, byte) in type.enumerated() { out[index] = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
                return type.count
            }
        }
    }
}

extension LDAPEntry {
    /// For attributes already keyed in lowercase (the scanner's): skips the check `init(dn:attributes:)` makes.
    init(trustedDN dn: String, attributes: [String: [[UInt8]]]) {
        self.dn = dn
        self.attributes = attributes
    }
}
