import SMTP

extension SMTPError {
    /// What an organization's administrator is shown (test email results, a message's last error).
    ///
    /// Until the peer has greeted with an SMTP reply it is not known to be a mail server, and whatever it sent
    /// may be the banner of any service on the operator's network (`SSH-2.0-OpenSSH_9.6`, a database's
    /// handshake): then only the class of failure is reported. After a greeting, replies are an SMTP server's
    /// own words ("550 5.1.1 unknown user") and are what the administrator needs, except a reply line that is
    /// not SMTP, which is never echoed.
    var reportForAdministrators: String {
        let beforeGreeting = command == nil || command == "connection greeting"
        switch kind {
        case .connectionFailed where beforeGreeting:
            let detail = message.lowercased()
            if detail.contains("refused") { return "cannot connect: connection refused" }
            if detail.contains("timed out") || detail.contains("timeout") { return "cannot connect: timed out" }
            if detail.contains("closed") { return "not an SMTP server: the connection closed before an SMTP greeting" }
            if detail.contains("resolve") || detail.contains("lookup") || detail.contains("name") && detail.contains("not") {
                return "cannot connect: the host name was not found"
            }
            return "cannot connect to the server"
        case .timeout where beforeGreeting:
            return "SMTP timeout: no SMTP greeting in time (not an SMTP server, or one too slow to answer)"
        case .protocolViolation where beforeGreeting:
            return "not an SMTP server: it did not answer with an SMTP greeting"
        case .rejected where beforeGreeting:
            return "the server refused the session (SMTP \(reply.map { String($0.code) } ?? "reply"))"
        case .tlsFailed:
            return Self.explain(tlsFailure ?? .handshakeFailed)
        case .invalidConfiguration:
            // Its message may name a file on the server or quote the TLS library.
            return "the mail settings cannot be used for TLS: check the CA certificate (PEM) and the TLS options"
        case .connectionFailed:
            return "the connection to the server was lost\(command.map { " after \($0.split(separator: ":").first ?? "")" } ?? "")"
        case .protocolViolation:
            return "SMTP protocol violation after \(command ?? "the greeting") (the reply is not shown)" + (isTemporary ? " (temporary)" : " (permanent)")
        default:
            return description
        }
    }

    /// A TLS failure as a sentence saying what is wrong and what to do; never the TLS library's own text.
    static func explain(_ failure: TLSFailure) -> String {
        switch failure {
        case .untrustedCertificate:
            "TLS failed: the server's certificate is not trusted (self-signed, or from an authority this server does not know). "
                + "If the mail server uses a private certificate authority, paste its certificate under CA certificate; otherwise ask its administrator for a certificate from a public authority."
        case .expiredCertificate:
            "TLS failed: the server's certificate has expired. Ask the mail server's administrator to renew it."
        case .certificateNotYetValid:
            "TLS failed: the server's certificate is not valid yet. Check the date and time of this server and of the mail server."
        case .hostnameMismatch(let host):
            "TLS failed: the server's certificate is not issued for \(host). Enter the server by the name on its certificate."
        case .handshakeFailed:
            "TLS failed: the server did not complete a TLS handshake. Check the port and TLS mode (587 uses STARTTLS, 465 TLS from the start) and the minimum TLS version."
        }
    }
}
