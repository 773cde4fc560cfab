/// A search filter (RFC 4511 4.5.1.7); build one from its RFC 4515 string with `LDAPFilter(parsing:)`.
public indirect enum LDAPFilter: Equatable, Sendable {
    case and([LDAPFilter])
    case or([LDAPFilter])
    case not(LDAPFilter)
    case equalityMatch(attribute: String, value: [UInt8])
    case substrings(attribute: String, initial: [UInt8]?, any: [[UInt8]], final: [UInt8]?)
    case greaterOrEqual(attribute: String, value: [UInt8])
    case lessOrEqual(attribute: String, value: [UInt8])
    case present(attribute: String)
    case approxMatch(attribute: String, value: [UInt8])
    /// For example Active Directory's bit test `(userAccountControl:1.2.840.113556.1.4.803:=2)`.
    case extensibleMatch(matchingRule: String?, attribute: String?, value: [UInt8], dnAttributes: Bool)

    /// How deep `and`, `or` and `not` may nest: far beyond any real filter, and a bound on the encoder's recursion.
    public static let maximumDepth = 32
}
