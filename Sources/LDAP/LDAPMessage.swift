/// One LDAPMessage (RFC 4511 4.1.1) of the operations this client sends or reads.
struct LDAPMessage: Equatable, Sendable {
    /// 1...Int32.max for requests; 0 only for the server's unsolicited notifications (4.4).
    var id: Int32
    var operation: LDAPOperation
    var controls: [LDAPControl] = []
}

enum LDAPOperation: Equatable, Sendable {
    /// Version 3, simple authentication (4.2).
    case bindRequest(dn: String, password: [UInt8])
    case bindResponse(LDAPResult)
    case unbindRequest
    case searchRequest(LDAPSearchParameters)
    case searchResultEntry(LDAPEntry)
    /// A continuation reference (4.5.3), e.g. an Active Directory referral: read and skipped.
    case searchResultReference
    case searchResultDone(LDAPResult)
    case abandonRequest(Int32)
    case extendedRequest(name: String, value: [UInt8]?)
    case extendedResponse(LDAPResult, name: String?)
    /// 4.13: only sent for requests that ask for it, which this client never does; skipped.
    case intermediateResponse
}

/// LDAPResult (4.1.9); the referral URIs are not kept: this client never follows them.
struct LDAPResult: Equatable, Sendable {
    var code: LDAPResultCode
    var matchedDN: String
    var diagnosticMessage: String
}

/// Control (4.1.11).
struct LDAPControl: Equatable, Sendable {
    var type: String
    var critical: Bool = false
    var value: [UInt8]?
}

/// The search as sent (4.5.1); derefAliases is always neverDerefAliases and typesOnly false.
struct LDAPSearchParameters: Equatable, Sendable {
    var baseDN: String
    var scope: LDAPSearchScope
    var filter: LDAPFilter
    var attributes: [String]
    /// Seconds; 0 leaves it to the server.
    var timeLimit: Int = 0
}

public enum LDAPSearchScope: Int, Sendable, CaseIterable {
    case baseObject = 0
    case singleLevel = 1
    case wholeSubtree = 2
}

/// The well-known object identifiers this client uses.
enum LDAPOID {
    /// StartTLS extended operation (RFC 4511 4.14.1).
    static let startTLS = "1.3.6.1.4.1.1466.20037"
    /// Notice of Disconnection, an unsolicited notification (4.4.1).
    static let noticeOfDisconnection = "1.3.6.1.4.1.1466.20036"
    /// Simple Paged Results Manipulation control (RFC 2696).
    static let pagedResults = "1.2.840.113556.1.4.319"
}
