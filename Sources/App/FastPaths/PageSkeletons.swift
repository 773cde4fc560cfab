import Leaf
import LeafKit
import NIOConcurrencyHelpers
import NIOCore
import Synchronization
import Vapor

/// Invitee pages rendered from skeletons: Leaf's output for a view model's shape, cut at its strings.
///
/// Leaf re-walks the template and re-encodes the whole view model on every request; on the join page that was a
/// third of the server's time (`perf`, Benchmarks/http-load). A page's markup depends only on the model's shape
/// (which keys are present, booleans, list lengths: `SlotEncoder`'s signature) and its strings, which Leaf only
/// escapes and inserts. So the first request of each shape renders the template once with a marker in place of
/// every string and keeps the text between the markers; later requests of that shape append the literal parts and
/// their own strings, HTML-escaped as Leaf escapes them.
///
/// Leaf stays the source of truth: a new skeleton is kept only if filling it with the request's own strings gives
/// byte for byte what Leaf renders for that request; a template that uses a string in any other way (a comparison,
/// unescaped output) fails that check and that shape stays on Leaf. Nothing about a link or a person is cached,
/// only markup that every request of the shape shares.
final class PageSkeletons: Sendable {
    private enum Entry: Sendable {
        case skeleton(Skeleton)
        case leafOnly
    }

    /// A template and a view-model shape.
    private struct Shape: Hashable {
        let template: String
        let signature: [UInt8]

        func hash(into hasher: inout Hasher) {
            hasher.combine(template)
            signature.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    private let entries = NIOLockedValueBox<[Shape: Entry]>([:])
    /// Off with HERALD_RELOAD_VIEWS; tests switch it to compare with Leaf's own output.
    private let enabledFlag: Synchronization.Atomic<Bool>
    var enabled: Bool {
        get { enabledFlag.load(ordering: .relaxed) }
        set { enabledFlag.store(newValue, ordering: .relaxed) }
    }
    /// Shapes are few (templates × languages × optional parts); past this, new shapes are simply not cached.
    private static let maximumEntries = 1_000

    init(enabled: Bool) {
        enabledFlag = Synchronization.Atomic(enabled)
    }

    func render(_ template: String, _ model: some Encodable, for request: Request) async throws -> ByteBuffer {
        guard enabled, let found = try lookUp(template, model) else { return try await Self.leaf(template, model, for: request) }
        switch found.entry {
        case .skeleton(let skeleton)?: return skeleton.fill(found.parts.strings, allocator: request.byteBufferAllocator)
        case .leafOnly?: return try await Self.leaf(template, model, for: request)
        case nil: break
        }
        let key = found.key
        let rendered = try await Self.leaf(template, model, for: request)
        guard entries.withLockedValue({ $0.count < Self.maximumEntries }) else { return rendered }
        let entry = try await makeEntry(template, model, expected: rendered, for: request)
        entries.withLockedValue { if $0.count < Self.maximumEntries { $0[key] = entry } }
        return rendered
    }

    /// The page from its cached skeleton without suspending; nil when skeletons are off or the shape has none yet.
    func cached(_ template: String, _ model: some Encodable, allocator: ByteBufferAllocator) throws -> ByteBuffer? {
        guard enabled, let found = try lookUp(template, model), case .skeleton(let skeleton)? = found.entry else { return nil }
        return skeleton.fill(found.parts.strings, allocator: allocator)
    }

    /// The model's shape and strings, with what is cached for the shape; nil when the model cannot be taken apart.
    private func lookUp(_ template: String, _ model: some Encodable) throws -> (key: Shape, parts: SlotEncoder, entry: Entry?)? {
        let parts = SlotEncoder(buildsContext: false)
        _ = try parts.encode(model)
        guard !parts.unsupported else { return nil }
        let key = Shape(template: template, signature: parts.signature)
        return (key, parts, entries.withLockedValue { $0[key] })
    }

    private func makeEntry(_ template: String, _ model: some Encodable, expected: ByteBuffer, for request: Request) async throws -> Entry {
        let marked = SlotEncoder(buildsContext: true)
        guard let context = try marked.encode(model).dictionary else { return .leafOnly }
        let markedPage = try await request.leaf.render(path: template, context: context).get()
        if let skeleton = Skeleton(splitting: String(buffer: markedPage), slots: marked.strings.count),
           skeleton.fill(marked.strings, allocator: request.byteBufferAllocator) == expected {
            return .skeleton(skeleton)
        }
        request.logger.notice("page \(template) is rendered by Leaf on every request: its skeleton did not match Leaf's output")
        return .leafOnly
    }

    private static func leaf(_ template: String, _ model: some Encodable, for request: Request) async throws -> ByteBuffer {
        try await request.view.render(template, model).get().data
    }
}

/// A page's literal text and, between each two literal parts, the slot whose string goes there.
struct Skeleton: Sendable {
    let literals: [[UInt8]]
    let slots: [Int]
    private let literalByteCount: Int

    /// Cuts `page` at the markers `SlotEncoder` put in place of strings; nil if a marker is malformed or out of range.
    init?(splitting page: String, slots count: Int) {
        var literals: [[UInt8]] = []
        var slots: [Int] = []
        var literal: [UInt8] = []
        var scalars = page.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == SlotEncoder.markerStart else {
                literal.append(contentsOf: String(scalar).utf8)
                continue
            }
            var digits = ""
            while let next = scalars.next(), next != SlotEncoder.markerEnd { digits.unicodeScalars.append(next) }
            guard let slot = Int(digits), (0..<count).contains(slot) else { return nil }
            literals.append(literal)
            literal = []
            slots.append(slot)
        }
        literals.append(literal)
        self.literals = literals
        self.slots = slots
        self.literalByteCount = literals.reduce(0) { $0 + $1.count }
    }

    func fill(_ strings: [String], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: literalByteCount + strings.reduce(0) { $0 + $1.utf8.count } * 2)
        for (index, slot) in slots.enumerated() {
            buffer.writeBytes(literals[index])
            HTMLEscaping.append(strings[slot], to: &buffer)
        }
        buffer.writeBytes(literals[literals.count - 1])
        return buffer
    }
}

/// Leaf's escaping (LeafKit's `String.htmlEscaped()`), written straight into the response's buffer.
enum HTMLEscaping {
    static func append(_ text: String, to buffer: inout ByteBuffer) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() {
                let entity: StaticString
                switch byte {
                case UInt8(ascii: "&"): entity = "&amp;"
                case UInt8(ascii: "\""): entity = "&quot;"
                case UInt8(ascii: "'"): entity = "&#39;"
                case UInt8(ascii: "<"): entity = "&lt;"
                case UInt8(ascii: ">"): entity = "&gt;"
                default: continue
                }
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<index]))
                buffer.writeStaticString(entity)
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start...]))
        }
    }
}
