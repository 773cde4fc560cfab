import Foundation

/// Why connecting, binding or searching failed, classified so an administrator can act on it: `explanation` is
/// the one sentence "Test connection" shows; `description` adds the technical detail for the log.
public struct LDAPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The URL or CA certificate cannot be used.
        case invalidConfiguration
        /// The host name does not resolve.
        case dnsFailure
        /// Nothing listens on that port (TCP RST).
        case connectionRefused
        /// The TCP connection (or the TLS handshake) did not complete within the connect timeout.
        case connectTimeout
        /// The server did not answer a request within the response timeout.
        case responseTimeout
        /// Any other network failure, or the server closed the connection.
        case connectionFailed
        /// The TLS handshake failed; `tlsFailure` says why.
        case tlsFailed
        /// The server answered the StartTLS request with an error (it does not offer TLS on this port).
        case startTLSRefused
        /// Bind result 49: wrong DN or password (or a locked/expired account, as Active Directory reports it).
        case invalidCredentials
        /// Bind failed with another result code.
        case bindFailed
        /// Result 4: the server stopped at its size limit (paging was refused or ignored).
        case sizeLimitExceeded
        /// Result 3: the server stopped at its time limit.
        case timeLimitExceeded
        /// The search failed with another result code (32 noSuchObject, 50 insufficientAccessRights, ...).
        case searchFailed
        /// The filter is not valid RFC 4515 syntax.
        case invalidFilter
        /// The server sent something that is not valid LDAP, or not what was asked.
        case protocolError
        /// Another request is still running on this connection (one at a time).
        case busy
        /// The connection was closed by `close()` before the request ran.
        case closed
    }

    public var kind: Kind
    /// The server's result code, for kinds that come from a response.
    public var resultCode: LDAPResultCode?
    /// The server's diagnosticMessage, control characters removed and shortened (it is the server's text).
    public var diagnosticMessage: String?
    public var tlsFailure: LDAPTLSFailure?
    /// Technical detail for the log: what failed, where.
    public var message: String

    public init(_ kind: Kind, message: String = "", resultCode: LDAPResultCode? = nil, diagnosticMessage: String? = nil) {
        self.kind = kind
        self.message = message
        self.resultCode = resultCode
        self.diagnosticMessage = diagnosticMessage.map(Self.sanitized).flatMap { $0.isEmpty ? nil : $0 }
    }

    init(_ kind: Kind, _ result: LDAPResult, message: String = "") {
        self.init(kind, message: message, resultCode: result.code, diagnosticMessage: result.diagnosticMessage)
    }

    /// At most 300 characters, without control characters: it goes into logs and pages.
    static func sanitized(_ text: String) -> String {
        let printable = text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : String($0) }.joined()
        let trimmed = printable.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 300 ? String(trimmed.prefix(300)) + "…" : trimmed
    }

    public var description: String {
        var parts = ["LDAP \(kind.rawValue)"]
        if let resultCode { parts.append("result \(resultCode)") }
        if let diagnosticMessage { parts.append("server said \"\(diagnosticMessage)\"") }
        if !message.isEmpty { parts.append(message) }
        return parts.joined(separator: ": ")
    }
}
