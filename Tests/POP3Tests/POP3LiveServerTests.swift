import Foundation
import LiveServerSupport
import Logging
import NIOPosix
import Testing

@testable import POP3

/// Against a real Dovecot (scripts/test_servers/dovecot.py): STLS and implicit TLS with the generated CA, the whole
/// read-and-delete cycle, wrong passwords, and certificates that are not trusted.
@Suite("POP3 against Dovecot")
struct POP3LiveServerTests {
    let server: POP3LiveServer
    init() throws { server = try POP3LiveServer.fromEnvironment() }

    func configuration(_ mode: POP3TLSMode, user: String, password: String? = nil, trustCA: Bool = true) -> POP3Configuration {
        POP3Configuration(host: "localhost", port: mode == .implicitTLS ? server.tlsPort : server.port, tlsMode: mode,
                          credentials: .init(username: user, password: password ?? server.password),
                          caCertificatesPEM: trustCA ? server.caCertificatePEM : nil)
    }

    @Test("STLS and POP3S: list, read, delete; deletions stay after QUIT", arguments: [POP3TLSMode.startTLS, .implicitTLS])
    func readAndDelete(mode: POP3TLSMode) async throws {
        let user = POP3LiveServer.newUser("pop3-\(mode.rawValue)")
        let first = Array("Subject: one\r\nMessage-ID: <1@test>\r\n\r\n.leading dot\r\nbody\r\n".utf8)
        try server.deliver(first, to: user)
        try server.deliver(Array("Subject: two\r\n\r\nsecond\r\n".utf8), to: user)
        let mailbox = try await POP3Connection.connect(to: configuration(mode, user: user), group: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "test"))
        let status = try await mailbox.status()
        #expect(status.count == 2)
        let ids = try await mailbox.uniqueIDs()
        #expect(ids.map(\.number) == [1, 2])
        #expect(Set(ids.map(\.uid)).count == 2)
        // Two files written in the same second: the server's order between them is its own.
        let read = [try await mailbox.retrieve(1), try await mailbox.retrieve(2)]
        let number = try #require(read.firstIndex(of: first)) + 1
        try await mailbox.delete(number)
        try await mailbox.quit()
        #expect(server.messageCount(of: user) == 1)
    }

    @Test("a session closed without QUIT deletes nothing")
    func noQuitNoDelete() async throws {
        let user = POP3LiveServer.newUser("pop3-noquit")
        try server.deliver(Array("Subject: keep\r\n\r\nkeep\r\n".utf8), to: user)
        let mailbox = try await POP3Connection.connect(to: configuration(.implicitTLS, user: user), group: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "test"))
        try await mailbox.delete(1)
        await mailbox.close()
        try await Task.sleep(for: .milliseconds(200))
        #expect(server.messageCount(of: user) == 1)
    }

    @Test("a wrong password is an authentication failure")
    func wrongPassword() async throws {
        do {
            _ = try await POP3Connection.connect(to: configuration(.startTLS, user: "pop3-wrong", password: "not-it"),
                                                 group: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "test"))
            Issue.record("signed in with a wrong password")
        } catch {
            #expect(error.kind == .authenticationFailed, "\(error)")
        }
    }

    @Test("a certificate from a CA that is not trusted fails TLS, before any password is sent")
    func untrustedCertificate() async throws {
        for mode in [POP3TLSMode.startTLS, .implicitTLS] {
            do {
                _ = try await POP3Connection.connect(to: configuration(mode, user: "pop3-untrusted", trustCA: false),
                                                     group: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "test"))
                Issue.record("\(mode): connected without trusting the CA")
            } catch {
                #expect(error.kind == .tlsFailed, "\(mode): \(error)")
            }
        }
    }

    @Test("plain POP3 without STLS: Dovecot refuses the password in clear, and the client would not send it anyway")
    func cleartextRefused() async throws {
        do {
            _ = try await POP3Connection.connect(to: configuration(.none, user: "pop3-clear"), group: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "test"))
            Issue.record("signed in without TLS")
        } catch {
            #expect(error.kind == .invalidConfiguration)
        }
    }
}
