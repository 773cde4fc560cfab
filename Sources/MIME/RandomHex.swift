/// Random identifiers for Message-IDs, MIME boundaries and certificate serials: 128 bits from the
/// system CSPRNG, so two never collide (RFC 5322 3.6.4), and unguessable.
public enum RandomHex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func make128() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        for _ in 0..<2 {
            var word = generator.next()
            for _ in 0..<16 {
                bytes.append(digits[Int(word & 0xF)])
                word >>= 4
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
