import NIOCore
import Testing

@testable import SMTP

@Suite("SMTP session set-up")
struct SMTPStateMachineSessionTests {
    @Test("greeting is answered with EHLO and the client's own name")
    func greetingIsAnsweredWithEHLO() {
        // given
        var machine = SMTPStateMachine(configuration: .init(tlsMode: .none, clientHostname: "herald.example.org"))
        // when
        let actions = machine.received(reply(220, "mx ESMTP"))
        // then
        #expect(actions == [.send([.ehlo("herald.example.org")])])
    }

    @Test("a 554 greeting fails the session with the server's reply, permanently")
    func refusedGreetingFails() throws {
        // given
        var machine = SMTPStateMachine(configuration: .init(tlsMode: .none))
        // when
        let actions = machine.received(reply(554, "no service for you"))
        // then
        let error = try #require(actions.failure)
        #expect(error.kind == .rejected)
        #expect(error.code == 554)
        #expect(!error.isTemporary)
        #expect(actions.last == .close)
    }

    @Test("EHLO refused with 5xx falls back to HELO, without extensions")
    func ehloFallsBackToHELO() {
        // given
        var machine = SMTPStateMachine(configuration: .init(tlsMode: .none, clientHostname: "me.test"))
        _ = machine.received(reply(220))
        // when
        let afterEHLO = machine.received(reply(502, "command not implemented"))
        let afterHELO = machine.received(reply(250, "hello"))
        // then
        #expect(afterEHLO == [.send([.helo("me.test")])])
        #expect(afterHELO == [.sessionReady(SMTPCapabilities())])
    }

    @Test("starttls mode refuses a server that does not offer STARTTLS")
    func startTLSRequiredButNotOffered() throws {
        // given
        var machine = SMTPStateMachine(configuration: .init(tlsMode: .startTLS))
        _ = machine.received(reply(220))
        // when
        let actions = machine.received(SMTPReply(code: 250, lines: ["mx", "PIPELINING", "AUTH PLAIN"]))
        // then
        let error = try #require(actions.failure)
        #expect(error.kind == .startTLSNotOffered)
        #expect(!error.isTemporary)
        #expect(actions.sentCommands.isEmpty)
    }

    @Test("starttls-if-available goes on in cleartext when STARTTLS is not offered")
    func startTLSIfAvailableWithoutOffer() {
        // given
        var machine = SMTPStateMachine(configuration: .init(tlsMode: .startTLSIfAvailable))
        _ = machine.received(reply(220))
        // when
        let actions = machine.received(SMTPReply(code: 250, lines: ["mx", "SIZE 1000"]))
        // then
        #expect(actions == [.sessionReady(SMTPCapabilities(extensions: ["SIZE": ["1000"]]))])
    }

    @Test("STARTTLS, then EHLO again, then AUTH PLAIN with one initial response")
    func startTLSThenEHLOThenAuthPlain() {
        // given
        let credentials = SMTPCredentials(username: "herald", password: "secret")
        var machine = SMTPStateMachine(configuration: .init(tlsMode: .startTLS, credentials: credentials, clientHostname: "c.test"))
        _ = machine.received(reply(220))
        // when
        let afterEHLO = machine.received(SMTPReply(code: 250, lines: ["mx", "STARTTLS"]))
        let after220 = machine.received(reply(220, "go ahead"))
        let afterHandshake = machine.tlsEstablished()
        let afterSecondEHLO = machine.received(SMTPReply(code: 250, lines: ["mx", "AUTH LOGIN PLAIN", "PIPELINING"]))
        let afterAuth = machine.received(reply(235, "2.7.0 accepted"))
        // then
        #expect(afterEHLO == [.send([.startTLS])])
        #expect(after220 == [.startTLS])
        #expect(afterHandshake == [.send([.ehlo("c.test")])])
        // base64("\0herald\0secret")
        #expect(afterSecondEHLO == [.send([.auth(mechanism: "PLAIN", initialResponse: "AGhlcmFsZABzZWNyZXQ=")])])
        #expect(afterAuth.first == .sessionReady(SMTPCapabilities(extensions: ["AUTH": ["LOGIN", "PLAIN"], "PIPELINING": []])))
    }

    @Test("a reply between STARTTLS's 220 and the handshake is refused as injected")
    func replyBeforeHandshakeIsRefused() {
        // given
        var machine = SMTPStateMachine(configuration: .init(tlsMode: .startTLS))
        _ = machine.received(reply(220))
        _ = machine.received(SMTPReply(code: 250, lines: ["mx", "STARTTLS"]))
        _ = machine.received(reply(220, "go ahead"))
        // when
        let actions = machine.received(SMTPReply(code: 250, lines: ["injected"]))
        // then
        #expect(actions.failure?.kind == .protocolViolation)
        #expect(machine.tlsEstablished() == [])
    }

    @Test("AUTH LOGIN sends the username and password as base64 answers to 334")
    func authLogin() {
        // given
        let credentials = SMTPCredentials(username: "u", password: "p")
        var machine = SMTPStateMachine(configuration: .init(tlsMode: .implicitTLS, credentials: credentials))
        _ = machine.received(reply(220))
        // when
        let start = machine.received(SMTPReply(code: 250, lines: ["mx", "AUTH LOGIN"]))
        let username = machine.received(reply(334, "VXNlcm5hbWU6"))
        let password = machine.received(reply(334, "UGFzc3dvcmQ6"))
        let done = machine.received(reply(235))
        // then
        #expect(start == [.send([.auth(mechanism: "LOGIN", initialResponse: nil)])])
        #expect(username == [.send([.authResponse("dQ==")])])
        #expect(password == [.send([.authResponse("cA==")])])
        #expect(done.first == .sessionReady(SMTPCapabilities(extensions: ["AUTH": ["LOGIN"]])))
    }

    @Test("a wrong password is a permanent error that names AUTH but not the secret")
    func wrongPassword() throws {
        // given
        let credentials = SMTPCredentials(username: "u", password: "hunter2")
        var machine = SMTPStateMachine(configuration: .init(tlsMode: .implicitTLS, credentials: credentials))
        _ = machine.received(reply(220))
        _ = machine.received(SMTPReply(code: 250, lines: ["mx", "AUTH PLAIN", "ENHANCEDSTATUSCODES"]))
        // when
        let actions = machine.received(reply(535, "5.7.8 Authentication credentials invalid", enhanced: "5.7.8"))
        // then
        let error = try #require(actions.failure)
        #expect(error.command == "AUTH PLAIN")
        #expect(error.code == 535)
        #expect(error.enhancedCode == "5.7.8")
        #expect(!error.isTemporary)
        #expect(!error.description.contains("hunter2"))
    }

    @Test("credentials are never sent over cleartext unless tlsMode none allows it")
    func noAuthOverCleartext() {
        // given
        let credentials = SMTPCredentials(username: "u", password: "p")
        var opportunistic = SMTPStateMachine(configuration: .init(tlsMode: .startTLSIfAvailable, credentials: credentials))
        var allowed = SMTPStateMachine(configuration: .init(
            tlsMode: .none, credentials: credentials, allowsCleartextAuthentication: true))
        _ = opportunistic.received(reply(220))
        _ = allowed.received(reply(220))
        // when
        let refused = opportunistic.received(SMTPReply(code: 250, lines: ["mx", "AUTH PLAIN"]))
        let sent = allowed.received(SMTPReply(code: 250, lines: ["mx", "AUTH PLAIN"]))
        // then
        #expect(refused.failure?.kind == .authenticationRequiresTLS)
        #expect(refused.sentCommands.isEmpty)
        #expect(sent.sentCommands.count == 1)
    }

    @Test("credentials with a server that offers neither PLAIN nor LOGIN fail clearly")
    func noSupportedMechanism() {
        // given
        var machine = SMTPStateMachine(configuration: .init(
            tlsMode: .implicitTLS, credentials: SMTPCredentials(username: "u", password: "p")))
        _ = machine.received(reply(220))
        // when
        let actions = machine.received(SMTPReply(code: 250, lines: ["mx", "AUTH CRAM-MD5"]))
        // then
        #expect(actions.failure?.kind == .authenticationNotOffered)
        #expect(actions.failure?.message.contains("CRAM-MD5") == true)
    }

    @Test("enhanced status codes are kept only when the server offers them")
    func enhancedCodesOnlyWhenOffered() {
        // given
        var offered = readyMachine(["PIPELINING", "ENHANCEDSTATUSCODES"])
        var notOffered = readyMachine(["PIPELINING"])
        // when
        func refuseRecipient(_ machine: inout SMTPStateMachine) -> SMTPError? {
            _ = machine.messageRequested(id: 1, envelope())
            _ = machine.received(reply(250))
            _ = machine.received(reply(550, "5.1.1 unknown", enhanced: "5.1.1"))
            return machine.received(reply(554, "5.5.1 no valid recipients", enhanced: "5.5.1")).finished.first?.result.failureValue
        }
        let kept = refuseRecipient(&offered)
        let dropped = refuseRecipient(&notOffered)
        // then
        #expect(kept?.enhancedCode == "5.1.1")
        #expect(dropped?.enhancedCode == nil)
        #expect(dropped?.reply?.lines == ["5.1.1 unknown"])
    }

    @Test("timeouts follow RFC 5321 4.5.3.2 for each awaited reply")
    func timeoutsPerReply() {
        // given
        var machine = SMTPStateMachine(configuration: .init(tlsMode: .none))
        #expect(machine.awaitedReplyTimeout == .minutes(5))
        _ = machine.received(reply(220))
        _ = machine.received(SMTPReply(code: 250, lines: ["mx", "PIPELINING"]))
        #expect(machine.awaitedReplyTimeout == nil)
        // when
        _ = machine.messageRequested(id: 1, envelope())
        let mail = machine.awaitedReplyTimeout
        _ = machine.received(reply(250))
        let rcpt = machine.awaitedReplyTimeout
        _ = machine.received(reply(250))
        let data = machine.awaitedReplyTimeout
        _ = machine.received(reply(354))
        let finalDot = machine.awaitedReplyTimeout
        // then
        #expect(mail == .minutes(5))
        #expect(rcpt == .minutes(5))
        #expect(data == .minutes(2))
        #expect(finalDot == .minutes(10))
    }
}
