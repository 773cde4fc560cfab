/// One SearchResultEntry (RFC 4511 4.5.2). Values are bytes as the server sent them: most attributes are UTF-8,
/// some are binary (Active Directory's `objectGUID`, `objectSid`, photos).
public struct LDAPEntry: Equatable, Sendable {
    public var dn: String
    /// Keyed by the attribute description lowercased (descriptions are case-insensitive, RFC 4512 2.5): look
    /// values up with `values(_:)`, which lowercases for you.
    public var attributes: [String: [[UInt8]]]

    /// `attributes` may be keyed in any case: the keys are lowercased here (values of keys that differ only in case
    /// are joined), so `values(_:)` finds them.
    public init(dn: String, attributes: [String: [[UInt8]]]) {
        self.dn = dn
        if attributes.keys.allSatisfy({ !$0.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) }) {
            self.attributes = attributes
        } else {
            self.attributes = Dictionary(attributes.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: +)
        }
    }

    /// All values of an attribute (empty when the entry has none).
    public func values(_ attribute: String) -> [[UInt8]] {
        attributes[attribute.lowercased()] ?? []
    }

    /// The values that are valid UTF-8, as strings; binary values are left out.
    public func strings(_ attribute: String) -> [String] {
        values(attribute).compactMap { String(validating: $0, as: UTF8.self) }
    }

    /// The first value as a string, or nil when there is none or it is not UTF-8.
    public func string(_ attribute: String) -> String? {
        values(attribute).first.flatMap { String(validating: $0, as: UTF8.self) }
    }

    /// The first value of an Active Directory `objectGUID` in its canonical form.
    public func objectGUID(_ attribute: String = "objectGUID") -> String? {
        values(attribute).first.flatMap(LDAPEntry.formatObjectGUID)
    }

    /// An Active Directory objectGUID (16 bytes, the first three fields little-endian as in a Windows GUID) as
    /// the string Windows tools show, e.g. "3f2504e0-4f89-11d3-9a0c-0305e82c3301"; nil for any other length.
    public static func formatObjectGUID(_ bytes: [UInt8]) -> String? {
        guard bytes.count == 16 else { return nil }
        let order = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15]
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for index in order {
            guard index >= 0 else {
                text.append(UInt8(ascii: "-"))
                continue
            }
            text.append(hex[Int(bytes[index] >> 4)])
            text.append(hex[Int(bytes[index] & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
