import Foundation
import NIOSSL

/// Why a TLS handshake with the directory server failed, in terms an administrator can act on. NIOSSL's own errors carry
/// BoringSSL's error stack with source file paths of the build: they are logged by nobody and shown to nobody.
public enum LDAPTLSFailure: Sendable, Equatable {
    /// The chain does not lead to a trusted authority: self-signed, a private CA not configured, an incomplete chain.
    case untrustedCertificate
    /// The certificate's validity ended before now.
    case expiredCertificate
    /// The certificate's validity starts after now (or this computer's clock is wrong).
    case certificateNotYetValid
    /// The certificate does not name the host Herald connected to.
    case hostnameMismatch(String)
    /// No handshake at all: not a TLS port, or no protocol version or cipher in common.
    case handshakeFailed

    /// Classifies what NIOSSL reported; `validity` is what the certificate check saw, when it ran.
    static func classify(_ error: any Error, expectedHostname: String?, validity: CertificateValidityProbe.Finding?) -> LDAPTLSFailure {
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return .hostnameMismatch(expectedHostname ?? "the server's name")
        }
        if case .handshakeFailed(let boring) = error as? NIOSSLError, "\(boring)".contains("CERTIFICATE_VERIFY_FAILED") {
            switch validity {
            case .expired: return .expiredCertificate
            case .notYetValid: return .certificateNotYetValid
            case .untrusted, nil: return .untrustedCertificate
            }
        }
        return .handshakeFailed
    }

    /// One sentence for the log and the error's message, with no library text in it.
    public var summary: String {
        switch self {
        case .untrustedCertificate: "the server's certificate is not trusted"
        case .expiredCertificate: "the server's certificate has expired"
        case .certificateNotYetValid: "the server's certificate is not valid yet"
        case .hostnameMismatch(let host): "the server's certificate is not issued for \(host)"
        case .handshakeFailed: "no TLS handshake with the server"
        }
    }
}

/// Watches BoringSSL's certificate check for one connection and remembers why it failed: BoringSSL reports only
/// "CERTIFICATE_VERIFY_FAILED", so an expired certificate would read as an untrusted one.
final class CertificateValidityProbe: @unchecked Sendable {
    enum Finding: Equatable { case untrusted, expired, notYetValid }

    private let lock = NSLock()
    private var first: Finding?

    var finding: Finding? {
        lock.lock()
        defer { lock.unlock() }
        return first
    }

    /// BoringSSL's per-certificate callback: the verdict is passed through unchanged, only observed.
    func observe(_ result: NIOSSLVerificationResult, _ certificate: NIOSSLCertificate) -> NIOSSLVerificationResult {
        guard result == .failed else { return result }
        let finding = Self.finding(notValidBefore: certificate.notValidBefore, notValidAfter: certificate.notValidAfter,
                                   now: time(nil))
        lock.lock()
        // The first failing certificate is the reason: an untrusted root is reported before an expired leaf.
        if first == nil { first = finding }
        lock.unlock()
        return result
    }

    static func finding(notValidBefore: time_t, notValidAfter: time_t, now: time_t) -> Finding {
        if now > notValidAfter { return .expired }
        if now < notValidBefore { return .notYetValid }
        return .untrusted
    }
}

/// NIOSSL marks its per-certificate callback deprecated in favour of custom verifiers that replace BoringSSL's
/// check; Herald keeps BoringSSL's check and only watches it, so it reaches that initializer through a protocol
/// requirement (a deprecated witness is not a deprecated use).
private protocol ObservingTLSClient {
    init(context: NIOSSLContext, serverHostname: String?, verificationCallback: NIOSSLVerificationCallback?) throws
}

extension NIOSSLClientHandler: ObservingTLSClient {}

extension NIOSSLClientHandler {
    static func observing(context: NIOSSLContext, serverHostname: String?,
                          callback: @escaping NIOSSLVerificationCallback) throws -> NIOSSLClientHandler {
        try make(NIOSSLClientHandler.self, context: context, serverHostname: serverHostname, callback: callback)
    }

    private static func make<Client: ObservingTLSClient>(_: Client.Type, context: NIOSSLContext, serverHostname: String?,
                                                       callback: @escaping NIOSSLVerificationCallback) throws -> Client {
        try Client(context: context, serverHostname: serverHostname, verificationCallback: callback)
    }
}
