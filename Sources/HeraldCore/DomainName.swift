import Foundation

/// A domain name as DNS carries it: internationalized labels (`bücher`) as their A-labels (`xn--bcher-kva`), the
/// form DKIM's `d=` takes (RFC 6376 3.5) and a key record's DNS name needs. Lowercased and NFC-normalized first, as
/// IDNA2008 expects (RFC 5891 5.2); a label keeps to letters, combining marks, digits, hyphens (and `_`). This is the part
/// of IDNA a sending domain needs, not a full UTS #46 mapping: a name it cannot vouch for is refused (nil), never
/// guessed.
public enum DomainName {
    /// The A-label form of `name`, or nil when a label is empty, too long (63 bytes), or holds characters a
    /// domain label cannot. An ASCII name comes back lowercased and otherwise unchanged.
    public static func ascii(_ name: String) -> String? {
        // Most names are ASCII already: they skip normalization, which the outbox would otherwise pay per message.
        let text = name.utf8.allSatisfy { $0 < 0x80 } ? name.lowercased() : name.precomposedStringWithCanonicalMapping.lowercased()
        // IDNA's full stops (RFC 3490 3.1): the ideographic one and its full- and half-width forms separate labels too.
        let labels = text.split(omittingEmptySubsequences: false) { ".\u{3002}\u{FF0E}\u{FF61}".contains($0) }
        var encoded: [String] = []
        for label in labels {
            guard !label.isEmpty else { return nil }
            let scalars = Array(label.unicodeScalars)
            guard scalars.allSatisfy(isLabelScalar) else { return nil }
            if scalars.allSatisfy(\.isASCII) {
                encoded.append(String(label))
                continue
            }
            guard let punycode = Punycode.encode(scalars) else { return nil }
            encoded.append("xn--" + punycode)
        }
        let result = encoded.joined(separator: ".")
        guard encoded.allSatisfy({ $0.utf8.count <= 63 }), result.utf8.count <= 253 else { return nil }
        return result
    }

    private static func isLabelScalar(_ scalar: Unicode.Scalar) -> Bool {
        // `_` for the service labels of DNS names such as `herald1._domainkey`.
        if scalar.isASCII { return (0x61...0x7A).contains(scalar.value) || (0x30...0x39).contains(scalar.value) || scalar == "-" || scalar == "_" }
        switch scalar.properties.generalCategory {
        case .lowercaseLetter, .otherLetter, .modifierLetter, .titlecaseLetter, .uppercaseLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber: return true
        default: return false
        }
    }
}

/// Punycode (RFC 3492): Unicode code points as the ASCII letters, digits and hyphen of an A-label, without its
/// `xn--` prefix.
public enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700, initialBias = 72, initialN = 0x80

    /// nil only when the arithmetic would overflow (RFC 3492 6.4), which no label of 63 bytes comes near.
    public static func encode(_ input: [Unicode.Scalar]) -> String? {
        let codePoints = input.map { Int($0.value) }
        var output = codePoints.filter { $0 < 0x80 }.map { Character(Unicode.Scalar(UInt8($0))) }
        let basicCount = output.count
        if basicCount > 0 { output.append("-") }
        var n = initialN, delta = 0, bias = initialBias, handled = basicCount
        while handled < codePoints.count {
            guard let next = codePoints.filter({ $0 >= n }).min() else { return nil }
            let (product, overflow) = (next - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow, delta <= Int(Int32.max) - product else { return nil }
            delta += product
            n = next
            for codePoint in codePoints {
                if codePoint < n { delta += 1 }
                guard codePoint == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta, points: handled + 1, first: handled == basicCount)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        return String(output)
    }

    private static func digit(_ value: Int) -> Character {
        Character(Unicode.Scalar(UInt8(value < 26 ? 0x61 + value : 0x30 + value - 26)))
    }

    private static func adapt(_ delta: Int, points: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / points
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }
}
