import NIOCore
import NIOSSL

/// The TLS client context built once per connection from the configuration.
struct SMTPTLS: Sendable {
    let context: NIOSSLContext?
    /// Sent as SNI and checked against the certificate; nil for an IP address, which SNI
    /// cannot carry (RFC 6066 3) and which NIOSSL then checks against the peer's address.
    let serverHostname: String?

    init(configuration: SMTPServerConfiguration) throws(SMTPError) {
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
        return try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
