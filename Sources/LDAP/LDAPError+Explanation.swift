extension LDAPError {
    /// One sentence for an administrator: what is wrong and where to look.
    public var explanation: String {
        let server = diagnosticMessage.map { " The server said: \"\($0)\"." } ?? ""
        let code = resultCode.map { " (result \($0))" } ?? ""
        switch kind {
        case .invalidConfiguration:
            return "The LDAP settings cannot be used: \(message)."
        case .dnsFailure:
            return "The server's host name could not be resolved (DNS): check the spelling of the URL."
        case .connectionRefused:
            return "The server refused the connection: nothing listens on that port (LDAP is usually 389, LDAPS 636)."
        case .connectTimeout:
            return "The server did not answer in time: check the host, the port and any firewall between Herald and the server."
        case .responseTimeout:
            return "The server stopped answering in the middle of a request (response timeout)."
        case .connectionFailed:
            return "The connection to the server failed or was closed by the server: \(message)."
        case .tlsFailed:
            return "The secure connection failed: \(tlsFailure?.summary ?? "no TLS handshake with the server")."
                + (tlsFailure == .untrustedCertificate ? " Paste the certificate of the CA that issued it." : "")
        case .startTLSRefused:
            return "The server refused StartTLS\(code), so the password is not sent; use an ldaps:// URL or enable TLS on the server.\(server)"
        case .invalidCredentials:
            return "The server rejected the bind DN or password (invalid credentials).\(server)"
        case .bindFailed:
            return "The server refused the bind\(code).\(server)"
        case .sizeLimitExceeded:
            return "The server's size limit is below the number of entries: paging was refused or ignored, so not all entries could be read.\(server)"
        case .timeLimitExceeded:
            return "The search took longer than the server's time limit.\(server)"
        case .searchFailed:
            if resultCode == .noSuchObject {
                return "The base DN does not exist on the server (no such object).\(server)"
            }
            if resultCode == .insufficientAccessRights {
                return "The bind DN may not read that part of the directory (insufficient access rights).\(server)"
            }
            return "The search failed\(code).\(server)"
        case .invalidFilter:
            return "The filter is not valid LDAP filter syntax: \(message)."
        case .protocolError:
            return "The server sent an answer that is not valid LDAP: check that the URL points to an LDAP server."
        case .busy:
            return "Another request is still running on this LDAP connection."
        case .closed:
            return "The LDAP connection was closed."
        }
    }
}
