import LeafKit

/// Takes a page's view model apart for `PageSkeletons`: its strings, in order, and its shape.
///
/// The shape is everything a template can branch or loop on (keys present, booleans, numbers, nils, list lengths)
/// written out as a signature; two view models with the same signature render the same markup around their
/// strings. With `buildsContext` it also builds the Leaf context for rendering the skeleton, where each string is
/// replaced by a marker naming its slot (only on a cache miss: the common path builds no context).
final class SlotEncoder {
    /// Bytes, not a String: appended to per key and hashed per request, where String's bookkeeping showed in profiles.
    private(set) var signature: [UInt8] = []
    private(set) var strings: [String] = []
    let buildsContext: Bool
    /// The model used a nested container, which no page model does today: such a page is rendered by Leaf.
    fileprivate(set) var unsupported = false

    init(buildsContext: Bool) {
        self.buildsContext = buildsContext
        signature.reserveCapacity(512)
        strings.reserveCapacity(48)
    }

    /// The value's Leaf context (with markers in place of strings when `buildsContext`).
    func encode(_ value: some Encodable) throws -> LeafData {
        let node = buildsContext ? Node() : nil
        try value.encode(to: NodeEncoder(encoder: self, node: node))
        return node?.data ?? .trueNil
    }

    static let markerStart: Unicode.Scalar = "\u{E000}"
    static let markerEnd: Unicode.Scalar = "\u{E001}"

    fileprivate func string(_ value: String) -> LeafData? {
        strings.append(value)
        signature.append(UInt8(ascii: "s"))
        return buildsContext ? .string("\(Self.markerStart)\(strings.count - 1)\(Self.markerEnd)") : nil
    }

    fileprivate func shape(_ token: String, _ data: @autoclosure () -> LeafData) -> LeafData? {
        signature.append(contentsOf: token.utf8)
        return buildsContext ? data() : nil
    }

    fileprivate func open(_ token: Unicode.Scalar) { signature.append(UInt8(token.value)) }

    fileprivate func key(_ key: String) {
        signature.append(UInt8(ascii: "<"))
        signature.append(contentsOf: key.utf8)
        signature.append(UInt8(ascii: ">"))
    }
}

/// One value being encoded; containers fill `data` as they go. Only made when building a context: the common path
/// (a skeleton already cached) needs the signature and strings alone, and a node per key was an allocation each.
private final class Node {
    var data: LeafData?
    var dictionary: [String: LeafData] = [:]
    var array: [LeafData] = []
}

private struct NodeEncoder: Encoder {
    let encoder: SlotEncoder
    let node: Node?
    // Not tracked: nothing in a page model reads it, and building one per key cost an array allocation each.
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        encoder.open("{")
        return KeyedEncodingContainer(Keyed<Key>(encoder: encoder, node: node))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        encoder.open("[")
        return Unkeyed(encoder: encoder, node: node)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        Single(encoder: encoder, node: node)
    }
}

/// Encodes one value into `node.data`: strings become slots, everything else part of the shape.
private func encodeValue(_ value: some Encodable, encoder: SlotEncoder, into node: Node?) throws {
    // `node?.data = f()` would skip calling f when there is no node: the signature and strings must be written always.
    let data: LeafData?
    switch value {
    case let string as String: data = encoder.string(string)
    case let bool as Bool: data = encoder.shape(bool ? "T" : "F", .bool(bool))
    case let int as Int: data = encoder.shape("i\(int);", .int(int))
    case let double as Double: data = encoder.shape("d\(double);", .double(double))
    case let strings as [String: String]:
        // In key order: a dictionary's own order differs from one instance to the next, and so would the shape.
        encoder.open("{")
        var context: [String: LeafData] = [:]
        for key in strings.keys.sorted() {
            encoder.key(key)
            let slot = encoder.string(strings[key]!)
            if encoder.buildsContext { context[key] = slot }
        }
        data = .dictionary(context)
    default:
        try value.encode(to: NodeEncoder(encoder: encoder, node: node))
        if let node, node.data == nil { node.data = .dictionary(node.dictionary) }
        return
    }
    node?.data = data
}

private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: SlotEncoder
    let node: Node?
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws {
        encoder.open("n")
        if let node { node.dictionary[key.stringValue] = .trueNil; node.data = .dictionary(node.dictionary) }
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        // Keys are part of the shape: a dictionary's order is not stable, so its slots are matched by key.
        encoder.key(key.stringValue)
        let child = node == nil ? nil : Node()
        try encodeValue(value, encoder: encoder, into: child)
        if let node {
            node.dictionary[key.stringValue] = child?.data ?? .trueNil
            node.data = .dictionary(node.dictionary)
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder.unsupported = true
        return KeyedEncodingContainer(Keyed<NestedKey>(encoder: encoder, node: Node()))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.unsupported = true
        return Unkeyed(encoder: encoder, node: Node())
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(encoder: encoder, node: node) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder() }
}

private struct Unkeyed: UnkeyedEncodingContainer {
    let encoder: SlotEncoder
    let node: Node?
    var codingPath: [any CodingKey] { [] }
    private(set) var count = 0

    init(encoder: SlotEncoder, node: Node?) {
        self.encoder = encoder
        self.node = node
        node?.data = .array([])
    }

    mutating func encodeNil() throws {
        count += 1
        encoder.open("n")
        if let node { node.array.append(.trueNil); node.data = .array(node.array) }
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        count += 1
        encoder.open(",")
        let child = node == nil ? nil : Node()
        try encodeValue(value, encoder: encoder, into: child)
        if let node { node.array.append(child?.data ?? .trueNil); node.data = .array(node.array) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        encoder.unsupported = true
        return KeyedEncodingContainer(Keyed<NestedKey>(encoder: encoder, node: Node()))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        encoder.unsupported = true
        return Unkeyed(encoder: encoder, node: Node())
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(encoder: encoder, node: node) }
}

private struct Single: SingleValueEncodingContainer {
    let encoder: SlotEncoder
    let node: Node?
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws {
        encoder.open("n")
        node?.data = .trueNil
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try encodeValue(value, encoder: encoder, into: node)
    }
}
