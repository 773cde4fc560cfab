/// An address Herald can put in a `To:` header and an SMTP `RCPT TO`.
///
/// Accepts the RFC 5322 3.4.1 `dot-atom` form only (no quoted local parts, no
/// comments, no address literals) widened by RFC 6531 3.3 to UTF-8 in the local
/// part and the domain. Everything accepted here is safe to write into a header
/// verbatim: no CR, LF, NUL, spaces, `<`, `>` or commas survive validation.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address as typed with its domain lowercased, e.g. `Bob@example.com`.
    public let description: String
    /// The whole address lowercased: the key Herald uses to spot the same person twice.
    public let normalized: String
    /// UTF-8 offset of the `@` in `description`. One string plus an offset instead
    /// of three strings keeps a 100,000-address import small.
    private let atOffset: Int

    public init(_ string: String) throws(AddressError) {
        let input = Self.trimmed(string)
        let at = try AddressSyntax.validate(input)
        let domainBytes = input.utf8.dropFirst(at + 1)
        // Most addresses are already lowercase: then no new strings are made and
        // `normalized` shares `description`'s storage.
        let address: String
        if domainBytes.contains(where: { $0 >= 0x80 || ($0 >= 0x41 && $0 <= 0x5A) }) {
            let local = String(decoding: input.utf8.prefix(at), as: UTF8.self)
            address = local + "@" + String(decoding: domainBytes, as: UTF8.self).lowercased()
        } else {
            address = input
        }
        description = address
        let hasUppercase = address.utf8.contains(where: { $0 >= 0x80 || ($0 >= 0x41 && $0 <= 0x5A) })
        normalized = hasUppercase ? address.lowercased() : address
        atOffset = at
    }

    /// The part before the `@`, as typed (RFC 5321 2.4 lets servers treat it case-sensitively).
    public var localPart: String {
        String(decoding: description.utf8.prefix(atOffset), as: UTF8.self)
    }

    /// The domain, lowercased: domains are case-insensitive (RFC 1035 2.3.3).
    public var domain: String {
        String(decoding: description.utf8.dropFirst(atOffset + 1), as: UTF8.self)
    }

    /// True when the address has non-ASCII characters, so the SMTP client must use
    /// the SMTPUTF8 extension (RFC 6531 3.4). Herald does not convert domains to
    /// punycode, so a non-ASCII domain needs it too.
    public var requiresSMTPUTF8: Bool {
        description.utf8.contains { $0 >= 0x80 }
    }

    /// Two spellings of one mailbox (`Bob@Example.com`, `bob@example.com`) are the
    /// same invitee: no real mail system distinguishes them, and treating them as
    /// different would send one person two invitations.
    public static func == (lhs: EmailAddress, rhs: EmailAddress) -> Bool {
        lhs.normalized == rhs.normalized
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(normalized)
    }

    private static func trimmed(_ string: String) -> String {
        guard let first = string.firstIndex(where: { !$0.isWhitespace }),
              let last = string.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(string[first...last])
    }
}
