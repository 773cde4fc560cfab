/// resultCode (RFC 4511 4.1.9 and Appendix A); a struct so codes this client does not name still round-trip.
public struct LDAPResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let success = LDAPResultCode(rawValue: 0)
    public static let operationsError = LDAPResultCode(rawValue: 1)
    public static let protocolError = LDAPResultCode(rawValue: 2)
    public static let timeLimitExceeded = LDAPResultCode(rawValue: 3)
    public static let sizeLimitExceeded = LDAPResultCode(rawValue: 4)
    public static let authMethodNotSupported = LDAPResultCode(rawValue: 7)
    public static let strongerAuthRequired = LDAPResultCode(rawValue: 8)
    public static let referral = LDAPResultCode(rawValue: 10)
    public static let adminLimitExceeded = LDAPResultCode(rawValue: 11)
    public static let unavailableCriticalExtension = LDAPResultCode(rawValue: 12)
    public static let confidentialityRequired = LDAPResultCode(rawValue: 13)
    public static let noSuchAttribute = LDAPResultCode(rawValue: 16)
    public static let inappropriateMatching = LDAPResultCode(rawValue: 18)
    public static let noSuchObject = LDAPResultCode(rawValue: 32)
    public static let invalidDNSyntax = LDAPResultCode(rawValue: 34)
    public static let inappropriateAuthentication = LDAPResultCode(rawValue: 48)
    public static let invalidCredentials = LDAPResultCode(rawValue: 49)
    public static let insufficientAccessRights = LDAPResultCode(rawValue: 50)
    public static let busy = LDAPResultCode(rawValue: 51)
    public static let unavailable = LDAPResultCode(rawValue: 52)
    public static let unwillingToPerform = LDAPResultCode(rawValue: 53)
    public static let other = LDAPResultCode(rawValue: 80)

    private static let names: [Int: String] = [
        0: "success", 1: "operationsError", 2: "protocolError", 3: "timeLimitExceeded", 4: "sizeLimitExceeded",
        7: "authMethodNotSupported", 8: "strongerAuthRequired", 10: "referral", 11: "adminLimitExceeded",
        12: "unavailableCriticalExtension", 13: "confidentialityRequired", 16: "noSuchAttribute",
        18: "inappropriateMatching", 32: "noSuchObject", 34: "invalidDNSyntax", 48: "inappropriateAuthentication",
        49: "invalidCredentials", 50: "insufficientAccessRights", 51: "busy", 52: "unavailable",
        53: "unwillingToPerform", 80: "other",
    ]

    /// "49 (invalidCredentials)", the form administrators find in server documentation.
    public var description: String {
        Self.names[rawValue].map { "\(rawValue) (\($0))" } ?? "\(rawValue)"
    }
}
