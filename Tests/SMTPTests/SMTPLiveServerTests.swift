import Foundation
import LiveServerSupport
import NIOCore
import Testing

@testable import SMTP

/// The whole client against aiosmtpd and Postfix's smtp-sink on loopback (scripts/test-servers).
@Suite("SMTP against real servers")
struct SMTPLiveServerTests {
    @Test("STARTTLS and AUTH deliver the message byte for byte, dot lines included")
    func startTLSAndAuthDeliverByteExact() async throws {
        // given
        let servers = try LiveServers.fromEnvironment()
        var configuration = servers.configuration(port: servers.startTLSPort, tlsMode: .startTLS)
        configuration.credentials = servers.credentials
        let marker = UUID().uuidString
        let text = "Subject: dots \(marker)\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            + ".leading dot\r\n..two dots\r\nmiddle . dot\r\n.\r\nGrüße – 8 bit\r\nlast line\r\n"
        let message = SMTPEnvelope(sender: "sender@herald.test", recipients: ["ann@example.org", "bob@example.org"],
            message: ByteBuffer(string: text))
        // when
        let connection = try await connect(configuration)
        let result = await connection.send(message)
        await connection.close()
        // then
        let receipt = try result.get()
        #expect(receipt.accepted == ["ann@example.org", "bob@example.org"])
        #expect(connection.capabilities.authMechanisms.contains("PLAIN"))
        let stored = try servers.storedMessage(for: receipt)
        #expect(stored.eml == Data(text.utf8))
        #expect(stored.envelope["mail_from"] as? String == "sender@herald.test")
        #expect(stored.envelope["rcpt_tos"] as? [String] == ["ann@example.org", "bob@example.org"])
        #expect(stored.envelope["tls"] as? Bool == true)
        #expect((stored.envelope["mail_options"] as? [String])?.contains("BODY=8BITMIME") == true)
        #expect(!connection.isOpen)
    }

    @Test("a wrong password is refused with a clear, permanent error")
    func wrongPasswordIsPermanent() async throws {
        // given
        let servers = try LiveServers.fromEnvironment()
        var configuration = servers.configuration(port: servers.startTLSPort, tlsMode: .startTLS)
        configuration.credentials = SMTPCredentials(username: servers.username, password: "wrong-password")
        // when
        let result = await connectResult(configuration)
        // then
        let error = try #require(result.failureValue)
        #expect(error.kind == .rejected)
        #expect(error.code == 535)
        #expect(error.command == "AUTH PLAIN")
        #expect(!error.isTemporary)
        #expect(!error.description.contains("wrong-password"))
    }

    @Test("starttls mode refuses a server that does not offer STARTTLS")
    func startTLSRequiredButNotOffered() async throws {
        // given
        let servers = try LiveServers.fromEnvironment()
        let configuration = servers.configuration(port: servers.plainPort, tlsMode: .startTLS)
        // when
        let result = await connectResult(configuration)
        // then
        #expect(result.failureValue?.kind == .startTLSNotOffered)
    }

    @Test("a certificate from an unknown CA is refused unless its CA file is given")
    func untrustedCertificateIsRefused() async throws {
        // given
        let servers = try LiveServers.fromEnvironment()
        var untrusted = servers.configuration(port: servers.startTLSPort, tlsMode: .startTLS)
        untrusted.caFilePath = nil
        var unverified = untrusted
        unverified.verifyCertificates = false
        // when
        let refused = await connectResult(untrusted)
        let accepted = await connectResult(unverified)
        // then
        let error = try #require(refused.failureValue)
        #expect(error.kind == .tlsFailed)
        #expect(error.tlsFailure == .untrustedCertificate)
        #expect(error.message == "TLS failed: the server's certificate is not trusted", "no BoringSSL error stack, no build paths")
        #expect(error.isTemporary)
        let connection = try accepted.get()
        #expect(connection.isOpen)
        await connection.close()
    }

    @Test("implicit TLS with AUTH delivers, with TLS 1.3 as the minimum")
    func implicitTLSDelivers() async throws {
        // given
        let servers = try LiveServers.fromEnvironment()
        var configuration = servers.configuration(port: servers.tlsPort, tlsMode: .implicitTLS, host: "127.0.0.1")
        configuration.credentials = servers.credentials
        configuration.minimumTLSVersion = .v1_3
        let text = "Subject: implicit \(UUID().uuidString)\r\n\r\nhello"
        // when
        let connection = try await connect(configuration)
        let result = await connection.send(SMTPEnvelope(
            sender: "", recipients: ["ann@example.org"], message: ByteBuffer(string: text)))
        await connection.close()
        // then: a message without a final line end gets CRLF before the "."
        let stored = try servers.storedMessage(for: try result.get())
        #expect(stored.eml == Data((text + "\r\n").utf8))
        #expect(stored.envelope["mail_from"] as? String == "<>")  // aiosmtpd's way to record the null path
    }

    @Test("several messages on one plain connection, each stored with its own envelope")
    func severalMessagesOnOneConnection() async throws {
        // given
        let servers = try LiveServers.fromEnvironment()
        let configuration = servers.configuration(port: servers.plainPort, tlsMode: .startTLSIfAvailable)
        let envelopes = (0..<5).map { index in
            SMTPEnvelope(sender: "s\(index)@herald.test", recipients: ["r\(index)@example.org"],
                message: ByteBuffer(string: "Subject: \(index)\r\n\r\nbody \(index)\r\n"))
        }
        // when
        let connection = try await connect(configuration)
        let results = await connection.send(envelopes)
        await connection.close()
        // then
        #expect(results.count == 5)
        for (index, result) in results.enumerated() {
            let stored = try servers.storedMessage(for: try result.get())
            #expect(stored.envelope["rcpt_tos"] as? [String] == ["r\(index)@example.org"])
            #expect(stored.eml == Data("Subject: \(index)\r\n\r\nbody \(index)\r\n".utf8))
        }
    }

    @Test("100 messages pipelined on one connection to smtp-sink are all accepted")
    func hundredPipelinedMessages() async throws {
        // given
        let servers = try LiveServers.fromEnvironment()
        let configuration = servers.configuration(port: servers.sinkPort, tlsMode: .none, host: "127.0.0.1")
        let envelopes = (0..<100).map { envelope(to: ["user\($0)@example.org"], "Subject: \($0)\r\n\r\n.dot\r\n") }
        // when
        let connection = try await connect(configuration)
        let results = await connection.send(envelopes)
        await connection.close()
        // then
        #expect(connection.capabilities.pipelining)
        #expect(results.count == 100)
        #expect(results.allSatisfy { (try? $0.get().reply.code) == 250 })
    }
}
