import Foundation
import NIOSSL
@testable import SMTP
import Testing

@Suite("TLS failures classified")
struct TLSFailureTests {
    @Test("a failing certificate is expired after its end, not yet valid before its start, otherwise untrusted")
    func validityFindings() {
        // given: a certificate valid from t=1000 to t=2000
        let finding = { (now: time_t) in CertificateValidityProbe.finding(notValidBefore: 1000, notValidAfter: 2000, now: now) }
        // then
        #expect(finding(2001) == .expired)
        #expect(finding(999) == .notYetValid)
        #expect(finding(1500) == .untrusted)
    }

    // NIOSSL accepts a certificate whose IP address entry matches the peer, whatever name was asked for, so the test
    // servers (certificate for localhost and 127.0.0.1) cannot produce a mismatch live; the classification is tested here.
    @Test("NIOSSL's hostname failure is a name mismatch naming the expected name; other handshake errors are not certificate problems")
    func classification() {
        #expect(TLSFailure.classify(NIOSSLExtraError.failedToValidateHostname, expectedHostname: "mail.example.com", validity: nil)
                == .hostnameMismatch("mail.example.com"))
        #expect(TLSFailure.classify(NIOSSLError.handshakeFailed(.sslError([])), expectedHostname: nil, validity: nil) == .handshakeFailed)
        #expect(TLSFailure.classify(NIOSSLError.uncleanShutdown, expectedHostname: nil, validity: .expired) == .handshakeFailed)
    }
}
