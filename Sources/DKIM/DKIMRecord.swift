/// A DKIM key record as published in DNS (RFC 6376 3.6.1), read to tell whether it is the one Herald would publish.
public struct DKIMRecord: Sendable, Equatable {
    public let tags: [String: String]

    /// `tag=value` pairs separated by `;` (RFC 6376 3.2); whitespace around and inside values is dropped, which is
    /// how `p=` split over several DNS strings or lines reads back.
    public init(_ text: String) {
        var tags: [String: String] = [:]
        for part in text.split(separator: ";") {
            guard let equals = part.firstIndex(of: "=") else { continue }
            let name = part[..<equals].filter { !$0.isWhitespace }.lowercased()
            let value = part[part.index(after: equals)...].filter { !$0.isWhitespace }
            if !name.isEmpty && tags[name] == nil { tags[name] = String(value) }
        }
        self.tags = tags
    }

    /// The key type, `rsa` when absent (RFC 6376 3.6.1).
    public var keyType: String { tags["k"]?.lowercased() ?? "rsa" }
    public var publicKey: String? { tags["p"] }

    public enum Comparison: Sendable, Equatable {
        case matches
        /// A record exists at the name but holds another key, a revoked one (`p=` empty) or another key type.
        case differs
        /// The text is not a DKIM key record at all (wrong `v=`, no `p=`).
        case notDKIM
    }

    public func compare(toPublicKey expected: String, algorithm: DKIMAlgorithm) -> Comparison {
        if let version = tags["v"], version != "DKIM1" { return .notDKIM }
        guard let publicKey else { return .notDKIM }
        return publicKey == expected && keyType == algorithm.keyType ? .matches : .differs
    }
}
