import Crypto
import Foundation

// Herald's own DKIM signer. No DKIM package exists among the Swift packages this project may use (swift-crypto,
// swift-nio, Vapor's; no internet at build time), and signing is small once canonicalisation is right: RFC 6376's
// relaxed algorithms, a hash, one signature. The crypto itself is swift-crypto's (BoringSSL): RSA PKCS #1 v1.5 from
// _CryptoExtras, Ed25519 from Crypto. Verification is left to real verifiers: the tests check every signature
// with dkimpy, the reference Python implementation.

/// Signs rendered messages for one domain and selector (RFC 6376 5), relaxed/relaxed.
public struct DKIMSigner: Sendable {
    public let domain: String
    public let selector: String
    public let key: DKIMPrivateKey

    /// Header fields signed when present, each occurrence (RFC 6376 5.4.1 lists these as SHOULD).
    public static let signedHeaders = [
        "from", "reply-to", "sender", "to", "cc", "subject", "date", "message-id", "in-reply-to", "references",
        "mime-version", "content-type", "content-transfer-encoding", "list-unsubscribe", "list-unsubscribe-post",
        "list-id", "auto-submitted", "feedback-id",
    ]
    /// Named once more than they occur (RFC 6376 8.15, "oversigning"): a relay or attacker who adds a second From,
    /// Subject or Reply-To field, which many readers would show instead of ours, breaks the signature.
    public static let oversignedHeaders = ["from", "reply-to", "subject", "to", "date", "message-id"]

    public enum SignerError: Error, Sendable, Equatable {
        case invalidDomain
        case invalidSelector
        case noHeaderSection
        case noFromField
        case key(DKIMKeyError)
    }

    public init(domain: String, selector: String, key: DKIMPrivateKey) throws(SignerError) {
        guard Self.isDomainName(domain) else { throw .invalidDomain }
        guard Self.isDomainName(selector) else { throw .invalidSelector }
        self.domain = domain.lowercased()
        self.selector = selector.lowercased()
        self.key = key
    }

    /// A DNS name of LDH labels (RFC 6376 3.1 selectors are `sub-domain`s): ASCII only, so an internationalized
    /// domain is given as its A-labels (`xn--...`).
    public static func isDomainName(_ name: String) -> Bool {
        let labels = name.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard !labels.isEmpty, name.utf8.count <= 253 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
                && label.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
        }
    }

    /// The message with a `DKIM-Signature` field put first. `message` is CRLF text as it will be sent (before dot
    /// stuffing, which the SMTP client adds and the receiver removes).
    public func sign(_ message: [UInt8], at time: Date = Date()) throws(SignerError) -> [UInt8] {
        let field = try signatureField(for: message, at: time)
        var signed = field
        signed.reserveCapacity(field.count + message.count)
        signed.append(contentsOf: message)
        return signed
    }

    /// The `DKIM-Signature` field, folded, ending with CRLF.
    public func signatureField(for message: [UInt8], at time: Date = Date()) throws(SignerError) -> [UInt8] {
        guard let parts = DKIMMessageParts(message) else { throw .noHeaderSection }
        let bodyHash = Data(SHA256.hash(data: DKIMCanonicalization.relaxedBody(message[parts.bodyStart...]))).base64EncodedString()

        // h=: every present occurrence of a signed name, then one more for the oversigned ones.
        var names: [String] = []
        let fieldNames = parts.fields.map(\.lowercasedName)
        var counts: [String: Int] = [:]
        for name in fieldNames { counts[name, default: 0] += 1 }
        guard counts["from", default: 0] > 0 else { throw .noFromField }
        for name in Self.signedHeaders {
            let occurrences = counts[name, default: 0] + (Self.oversignedHeaders.contains(name) ? 1 : 0)
            names.append(contentsOf: repeatElement(name, count: occurrences))
        }

        var folded = FoldedField(name: "DKIM-Signature")
        folded.append("v=1;")
        folded.append("a=\(key.algorithm.rawValue);")
        folded.append("c=relaxed/relaxed;")
        folded.append("d=\(domain);")
        folded.append("s=\(selector);")
        folded.append("t=\(max(0, Int(time.timeIntervalSince1970)));")
        for (index, name) in names.enumerated() {
            let first = index == 0 ? "h=" : ""
            folded.append(first + name + (index == names.count - 1 ? ";" : ":"), separatedBy: index == 0 ? " " : "")
        }
        folded.append("bh=\(bodyHash);")
        folded.append("b=")

        // RFC 6376 5.4.2: selected fields bottom-up, each name taking the next occurrence above the last one used.
        var hashInput: [UInt8] = []
        var used: [String: Int] = [:]
        for name in names {
            let skip = used[name, default: 0]
            used[name] = skip + 1
            var seen = 0
            for index in parts.fields.indices.reversed() where fieldNames[index] == name {
                if seen == skip {
                    let field = parts.fields[index]
                    hashInput.append(contentsOf: DKIMCanonicalization.relaxedHeader(name: field.name, value: field.value))
                    break
                }
                seen += 1
            }
        }
        // RFC 6376 3.7: the signature field itself last, its b= empty, without the final CRLF.
        hashInput.append(contentsOf: DKIMCanonicalization.relaxedHeader(
            name: Array("DKIM-Signature".utf8), value: folded.value, withCRLF: false))

        let signature: Data
        do {
            signature = try key.sign(hashInput)
        } catch {
            throw .key(error)
        }
        folded.appendBase64(signature.base64EncodedString())
        return folded.bytes + [13, 10]
    }
}

/// Lays out a header field's tokens on lines of at most 78 characters (RFC 5322 2.1.1), folding before a token
/// with CRLF SP; the signature's base64 is split anywhere, since FWS inside `b=` is ignored (RFC 6376 3.5).
struct FoldedField {
    private(set) var bytes: [UInt8]
    private let valueStart: Int
    private var column: Int
    static let lineLength = 78

    init(name: String) {
        bytes = Array(name.utf8) + [UInt8(ascii: ":")]
        valueStart = bytes.count
        column = bytes.count
    }

    var value: ArraySlice<UInt8> { bytes[valueStart...] }

    mutating func append(_ token: String, separatedBy separator: String = " ") {
        let length = token.utf8.count + separator.utf8.count
        if column + length > Self.lineLength {
            bytes.append(contentsOf: [13, 10, 32])
            column = 1
        } else {
            bytes.append(contentsOf: separator.utf8)
            column += separator.utf8.count
        }
        bytes.append(contentsOf: token.utf8)
        column += token.utf8.count
    }

    mutating func appendBase64(_ text: String) {
        var rest = Substring(text)
        while !rest.isEmpty {
            var room = Self.lineLength - column
            if room < 8 {
                bytes.append(contentsOf: [13, 10, 32])
                column = 1
                room = Self.lineLength - column
            }
            let chunk = rest.prefix(room)
            bytes.append(contentsOf: chunk.utf8)
            column += chunk.utf8.count
            rest = rest.dropFirst(chunk.count)
        }
    }
}
