import NIOCore
import NIOSSL

/// The TLS client context for one connection: full certificate verification against the system's roots and an
/// optional private CA, SNI for host names (RFC 6066 3 forbids it for addresses), TLS 1.2 at least.
struct POP3TLS: Sendable {
    let context: NIOSSLContext?
    let serverHostname: String?

    init(configuration: POP3Configuration) throws(POP3Error) {
        guard configuration.tlsMode != .none else {
            context = nil
            serverHostname = nil
            return
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = configuration.verifyCertificates ? .fullVerification : .none
        if let pem = configuration.caCertificatesPEM {
            do {
                tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))]
            } catch {
                throw POP3Error(.invalidConfiguration, message: "the CA certificate is not valid PEM")
            }
        }
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw POP3Error(.invalidConfiguration, message: "cannot set up TLS")
        }
        serverHostname = (try? SocketAddress(ipAddress: configuration.host, port: 0)) == nil ? configuration.host : nil
    }

    func makeHandler() throws -> NIOSSLClientHandler {
        guard let context else { throw POP3Error(.invalidConfiguration, message: "TLS is not configured") }
        return try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
    }
}
