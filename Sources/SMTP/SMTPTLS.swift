import NIOCore
import NIOSSL

/// The TLS client context built once per connection from the configuration.
public struct SMTPTLS: Sendable {
    let context: NIOSSLContext?
    /// Sent as SNI and checked against the certificate; nil for an IP address, which SNI
    /// cannot carry (RFC 6066 3) and which NIOSSL then checks against the peer's address.
    let serverHostname: String?
    /// The name the certificate must carry (also for an IP address, which is not sent as SNI).
    let expectedName: String
    /// What the certificate check saw on this connection.
    let probe = CertificateValidityProbe()

    init(configuration: SMTPServerConfiguration) throws(SMTPError) {
        expectedName = configuration.tlsServerName ?? configuration.host
        guard configuration.tlsMode != .none else {
            context = nil
            serverHostname = nil
            return
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = configuration.minimumTLSVersion == .v1_3 ? .tlsv13 : .tlsv12
        tls.certificateVerification = configuration.verifyCertificates ? .fullVerification : .none
        if let path = configuration.caFilePath {
            do {
                tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(path))]
            } catch {
                throw SMTPError(.invalidConfiguration, message: "cannot read CA file \(path): \(error)")
            }
        }
        if let pem = configuration.caCertificatesPEM {
            do {
                tls.additionalTrustRoots.append(.certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))))
            } catch {
                throw SMTPError(.invalidConfiguration, message: "the CA certificate is not valid PEM: \(error)")
            }
        }
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw SMTPError(.invalidConfiguration, message: "cannot set up TLS: \(error)")
        }
        let host = configuration.tlsServerName ?? configuration.host
        serverHostname = Self.isIPAddress(host) ? nil : host
    }

    func makeHandler() throws -> NIOSSLClientHandler {
        guard let context else { throw SMTPError(.invalidConfiguration, message: "TLS is not configured") }
        return try NIOSSLClientHandler.observing(context: context, serverHostname: serverHostname, callback: probe.observe)
    }

    /// A TLS failure with what this connection knows: the name expected and why the certificate check failed.
    func explain(_ error: SMTPError) -> SMTPError {
        guard error.kind == .tlsFailed else { return error }
        var explained = error
        switch error.tlsFailure {
        case .hostnameMismatch: explained.tlsFailure = .hostnameMismatch(expectedName)
        case .untrustedCertificate:
            switch probe.finding {
            case .expired: explained.tlsFailure = .expiredCertificate
            case .notYetValid: explained.tlsFailure = .certificateNotYetValid
            case .untrusted, nil: break
            }
        default: break
        }
        explained.message = "TLS failed: \(explained.tlsFailure?.summary ?? "")"
        return explained
    }

    /// Why `pem` cannot be used as extra trust roots, or nil when it holds at least one certificate.
    public static func problem(withCACertificatesPEM pem: String) -> String? {
        guard pem.contains("-----BEGIN CERTIFICATE-----") else { return "is not a PEM certificate (-----BEGIN CERTIFICATE-----)" }
        do {
            return try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)).isEmpty ? "holds no certificate" : nil
        } catch {
            return "is not a valid PEM certificate"
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
