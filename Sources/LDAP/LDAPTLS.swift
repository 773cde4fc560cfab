import NIOCore
import NIOSSL

/// The TLS client context for one connection: system trust roots plus the configured CA, full certificate and
/// host name verification (adapted from Sources/SMTP/SMTPTLS.swift; LDAP never turns verification off).
struct LDAPTLS: Sendable {
    let context: NIOSSLContext
    /// Sent as SNI and checked against the certificate; nil for an IP address (RFC 6066 3), which NIOSSL then
    /// checks against the certificate's IP addresses.
    let serverHostname: String?
    let host: String
    /// What the certificate check saw on this connection.
    let probe = CertificateValidityProbe()

    init(configuration: LDAPConfiguration) throws(LDAPError) {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .fullVerification
        if let pem = configuration.caCertificatePEM, !pem.isEmpty {
            guard pem.contains("-----BEGIN CERTIFICATE-----"),
                  let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)), !certificates.isEmpty
            else { throw LDAPError(.invalidConfiguration, message: "the CA certificate is not a PEM certificate") }
            tls.additionalTrustRoots = [.certificates(certificates)]
        }
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw LDAPError(.invalidConfiguration, message: "cannot set up TLS")
        }
        host = configuration.host
        serverHostname = (try? SocketAddress(ipAddress: host, port: 0)) != nil ? nil : host
    }

    func makeHandler() throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler.observing(context: context, serverHostname: serverHostname, callback: probe.observe)
    }

    /// The classified failure with what this connection knows: the name expected and why the check failed.
    func classify(_ error: any Error) -> LDAPError {
        let failure = LDAPTLSFailure.classify(error, expectedHostname: host, validity: probe.finding)
        var classified = LDAPError(.tlsFailed, message: "TLS failed: \(failure.summary)")
        classified.tlsFailure = failure
        return classified
    }
}
