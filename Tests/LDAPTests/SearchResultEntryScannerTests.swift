import Testing

@testable import LDAP

/// The speed-only entry scanner (`Sources/LDAP/FastPaths`) against the plain decoder: wherever it answers, the
/// same message; for the plain shape, always an answer; for anything else, nil (the plain path then decides).
@Suite struct SearchResultEntryScannerTests {
    /// Seeded, so a failure is the same on every run (xorshift64*).
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
    }

    static let pieces = ["a", "Z", "uid", "=", ",", " ", "ä", "日本", "🎉", "\\2C", "\u{0}", "é", "CN", "-"]

    static func text(_ random: inout Seeded, upTo length: Int) -> String {
        (0..<Int.random(in: 0...length, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    /// Entries of every size class: empty and short values, values past 127 and 65,535 bytes (long-form lengths),
    /// binary values, attribute names in mixed case and repeated.
    static func generated(count: Int) -> [[UInt8]] {
        var random = Seeded(state: 0x5EED_1DAF)
        return (0..<count).map { index in
            let attributes: [(String, [[UInt8]])] = (0..<Int.random(in: 0...6, using: &random)).map { _ in
                let name = ["uid", "mail", "CN", "member", "objectGUID", "Ä", text(&random, upTo: 3)].randomElement(using: &random)!
                let values: [[UInt8]] = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                    // One entry in 50 has a value of 70,000 bytes (a three-byte length), filled cheaply.
                    let size = index % 50 == 0 ? 70_000 : [0, 1, 30, 127, 128, 300].randomElement(using: &random)!
                    let byte = UInt8.random(in: 0...255, using: &random)
                    return size > 1_000 ? [UInt8](repeating: byte, count: size)
                        : (0..<size).map { _ in UInt8.random(in: 0...255, using: &random) }
                }
                return (name, values)
            }
            let id = index % 3 == 0 ? Int32.random(in: 0...Int32.max, using: &random) : Int32(index % 300)
            return ServerMessage.entry(id, dn: text(&random, upTo: 12), attributes)
        }
    }

    @Test func answersThePlainShapeAsThePlainPathDoes() throws {
        for bytes in Self.generated(count: 300) {
            let plain = try LDAPMessage(berEncoded: bytes[...])
            #expect(SearchResultEntryScanner.scan(bytes[...]) == plain)
        }
    }

    @Test func neverDisagreesOnCorruptedMessages() {
        var random = Seeded(state: 0xBAD_B17E5)
        var answered = 0, refused = 0
        for original in Self.generated(count: 200) where original.count < 5_000 {
            for _ in 0..<40 {
                var bytes = original
                switch Int.random(in: 0...3, using: &random) {
                case 0: bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.removeLast(Int.random(in: 1...bytes.count, using: &random))
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
                default: bytes[Int.random(in: 0..<min(bytes.count, 12), using: &random)] ^= 0x80
                }
                guard let scanned = SearchResultEntryScanner.scan(bytes[...]) else { refused += 1; continue }
                answered += 1
                #expect((try? LDAPMessage(berEncoded: bytes[...])) == scanned, "\(bytes.prefix(40))")
            }
        }
        // Both kinds happen: a flipped value byte keeps the shape, a cut length does not.
        #expect(answered > 100 && refused > 100, "answered \(answered), refused \(refused)")
    }

    @Test func leavesEverythingElseToThePlainPath() {
        let entry = ServerMessage.user(2, 7)
        let others: [[UInt8]] = [
            ServerMessage.bindResponse(1), ServerMessage.done(3, cookie: [1]), ServerMessage.reference(4, ["ldap://x"]),
            ServerMessage.encode(5, controls: [("1.2.3", [1])]) { coder in
                coder.appendConstructedNode(identifier: .application(4)) { coder in
                    coder.appendString("uid=a")
                    coder.appendConstructedNode(identifier: .sequence) { _ in }
                }
            },
            // The length of the message in the long form where the short one fits: BER allows it, the scanner leaves it.
            [0x30, 0x81, UInt8(entry.count - 2)] + entry.dropFirst(2),
            // A negative message id.
            [0x30, UInt8(entry.count - 2)] + [0x02, 0x01, 0xFF] + entry.dropFirst(5),
        ]
        for bytes in others { #expect(SearchResultEntryScanner.scan(bytes[...]) == nil, "\(bytes.prefix(16))") }
        #expect(SearchResultEntryScanner.scan(entry[...]) != nil)
    }
}
