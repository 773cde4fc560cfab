import NIOCore

/// Where and how to connect. The password is never sent unencrypted: `ldap://` URLs always use StartTLS.
public struct LDAPConfiguration: Sendable, Equatable {
    public enum Security: Sendable, Equatable {
        /// `ldap://`: connect in cleartext, then the StartTLS extended operation; nothing else is sent before TLS.
        case startTLS
        /// `ldaps://`: TLS from the first byte.
        case ldaps
        /// No TLS at all. Only for tests with a fake server; never built from a URL.
        case unencryptedForTestsOnly
    }

    public var host: String
    public var port: Int
    public var security: Security
    /// PEM text of CA certificates trusted in addition to the system's (a private Active Directory CA).
    public var caCertificatePEM: String?
    public var connectTimeout: TimeAmount
    /// How long a request may wait for the server's next message.
    public var responseTimeout: TimeAmount
    /// Longest message accepted; a server sending more is treated as broken (a protection, not a limit of LDAP).
    public var maximumMessageLength: Int

    public init(
        host: String, port: Int, security: Security, caCertificatePEM: String? = nil,
        connectTimeout: TimeAmount = .seconds(10), responseTimeout: TimeAmount = .seconds(60),
        maximumMessageLength: Int = 16 << 20
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.caCertificatePEM = caCertificatePEM
        self.connectTimeout = connectTimeout
        self.responseTimeout = responseTimeout
        self.maximumMessageLength = maximumMessageLength
    }

    /// `ldap://host[:port]` (StartTLS, default port 389) or `ldaps://host[:port]` (636); an IPv6 address in
    /// brackets; a trailing "/" is allowed, a DN or query in the URL is not (the base DN is its own setting).
    public init(
        url: String, caCertificatePEM: String? = nil,
        connectTimeout: TimeAmount = .seconds(10), responseTimeout: TimeAmount = .seconds(60)
    ) throws(LDAPError) {
        let (host, port, security) = try Self.parse(url: url)
        self.init(host: host, port: port, security: security, caCertificatePEM: caCertificatePEM,
                  connectTimeout: connectTimeout, responseTimeout: responseTimeout)
    }

    static func parse(url: String) throws(LDAPError) -> (host: String, port: Int, security: Security) {
        func invalid(_ why: String) -> LDAPError { LDAPError(.invalidConfiguration, message: "the URL \(why)") }
        guard url.utf8.count <= 300 else { throw invalid("is too long") }
        let lowered = url.lowercased()
        let security: Security
        var rest: Substring
        if lowered.hasPrefix("ldap://") {
            security = .startTLS
            rest = url.dropFirst(7)
        } else if lowered.hasPrefix("ldaps://") {
            security = .ldaps
            rest = url.dropFirst(8)
        } else {
            throw invalid("must start with ldap:// or ldaps://")
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("/"), !rest.contains("?") else { throw invalid("must be only ldap(s)://host[:port]") }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw invalid("has an unclosed '['") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("has text after ']'") }
                portText = after.dropFirst()
            }
        } else {
            let parts = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            host = parts[0]
            portText = parts.count == 2 ? parts[1] : nil
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || "-._:".contains($0) }), host.allSatisfy(\.isASCII)
        else { throw invalid("has no valid host name") }
        var port = security == .ldaps ? 636 : 389
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else { throw invalid("has an invalid port (1-65535)") }
            port = number
        }
        return (String(host), port, security)
    }
}
