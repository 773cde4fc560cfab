import MIME
import NIOCore

/// The SMTP client session as a plain value: each event returns the actions to perform, and
/// `SMTPClientHandler` only performs them. Nothing here touches a channel, a clock or a socket.
struct SMTPStateMachine {
    struct Configuration: Sendable {
        var tlsMode: SMTPTLSMode
        var credentials: SMTPCredentials?
        var allowsCleartextAuthentication: Bool = false
        var clientHostname: String = "localhost"
        var timeouts: SMTPTimeouts = .rfc5321
    }

    enum Action: Equatable {
        /// Write these command lines; several at once only where RFC 2920 allows.
        case send([SMTPCommand])
        /// Put TLS under the session now (after the 220 to STARTTLS).
        case startTLS
        /// Write the message, dot-stuffed and terminated.
        case sendBody(ByteBuffer)
        /// Greeting, EHLO, STARTTLS and AUTH are done.
        case sessionReady(SMTPCapabilities)
        case finishTransaction(id: Int, Result<SMTPDeliveryReceipt, SMTPError>)
        /// The session failed; every transaction has been finished already.
        case fail(SMTPError)
        case close
    }

    enum Phase: Equatable {
        case greeting, ehlo, helo, startTLS, tlsHandshake
        case authPlain, authLoginUsername, authLoginPassword, authLoginFinal
        case ready, closed
    }

    /// Replies awaited in the ready phase, in the order the commands were sent (RFC 2920 3.1).
    enum Expected: Equatable {
        case mail, rcpt(String), data, endOfData, abortedData, rset, quit
    }

    struct Transaction {
        var id: Int
        var envelope: SMTPEnvelope
        var mailCommand: String
        /// Commands not yet sent when the server does not pipeline.
        var unsent: [SMTPCommand]
        var mailError: SMTPError?
        var accepted: [String] = []
        var rejected: [SMTPRecipientRejection] = []
        var bodySent = false
    }

    let configuration: Configuration
    var phase: Phase = .greeting
    private(set) var capabilities = SMTPCapabilities()
    private(set) var tlsActive: Bool
    var queued = CircularBuffer<(id: Int, envelope: SMTPEnvelope)>()
    var inFlight = CircularBuffer<Transaction>()
    var expected = CircularBuffer<Expected>()
    var quitRequested = false
    /// A transaction failed after its data: the next one starts with RSET, so that the server's view of the failed
    /// one cannot leak into it.
    var resetBeforeNextTransaction = false
    /// Why the session ended, reported to transactions requested afterwards.
    var terminalError: SMTPError?

    init(configuration: Configuration) {
        self.configuration = configuration
        self.tlsActive = configuration.tlsMode == .implicitTLS
    }

    var isReady: Bool { phase == .ready && !quitRequested }

    // MARK: Events

    mutating func received(_ reply: SMTPReply) -> [Action] {
        var reply = reply
        if !capabilities.enhancedStatusCodes { reply.enhancedCode = nil }
        switch phase {
        case .greeting:
            guard reply.code == 220 else { return failSession(.rejected("connection greeting", reply)) }
            phase = .ehlo
            return [.send([.ehlo(configuration.clientHostname)])]
        case .ehlo:
            if reply.isPositiveCompletion {
                capabilities = SMTPCapabilities(ehloReply: reply)
                return afterGreeting()
            }
            // RFC 5321 3.2: a server that does not know EHLO answers 5xx; fall back to HELO.
            guard reply.isPermanentNegative else { return failSession(.rejected("EHLO", reply)) }
            phase = .helo
            return [.send([.helo(configuration.clientHostname)])]
        case .helo:
            guard reply.isPositiveCompletion else { return failSession(.rejected("HELO", reply)) }
            capabilities = SMTPCapabilities()
            return afterGreeting()
        case .startTLS:
            if reply.code == 220 {
                phase = .tlsHandshake
                return [.startTLS]
            }
            guard configuration.tlsMode == .startTLSIfAvailable else {
                return failSession(.rejected("STARTTLS", reply))
            }
            return authenticateOrBecomeReady()
        case .tlsHandshake:
            // Anything after the 220 and before the handshake was sent in cleartext and may be
            // injected by an attacker (the STARTTLS command injection of CVE-2011-0411).
            return failSession(SMTPError(.protocolViolation, command: "STARTTLS", reply: reply,
                message: "reply received before the TLS handshake"))
        case .authPlain, .authLoginFinal:
            guard reply.code == 235 else { return failSession(.rejected(authCommand, reply)) }
            return becomeReady()
        case .authLoginUsername, .authLoginPassword:
            guard reply.code == 334, let credentials = configuration.credentials else {
                return failSession(.rejected(authCommand, reply))
            }
            let secret = phase == .authLoginUsername ? credentials.username : credentials.password
            phase = phase == .authLoginUsername ? .authLoginPassword : .authLoginFinal
            return [.send([.authResponse(Base64.encode(secret.utf8))])]
        case .ready:
            return receivedInSession(reply)
        case .closed:
            return []
        }
    }

    mutating func tlsEstablished() -> [Action] {
        guard phase == .tlsHandshake else { return [] }
        // RFC 3207 4.2: forget what was learnt in cleartext and ask again.
        tlsActive = true
        capabilities = SMTPCapabilities()
        phase = .ehlo
        return [.send([.ehlo(configuration.clientHostname)])]
    }

    /// A connection fault, TLS failure, invalid reply or timeout: everything pending fails.
    mutating func failSession(_ error: SMTPError) -> [Action] {
        guard phase != .closed else { return [] }
        phase = .closed
        terminalError = error
        var actions: [Action] = []
        for transaction in inFlight { actions.append(.finishTransaction(id: transaction.id, .failure(error))) }
        for pending in queued { actions.append(.finishTransaction(id: pending.id, .failure(error))) }
        inFlight.removeAll()
        queued.removeAll()
        expected.removeAll()
        return actions + [.fail(error), .close]
    }

    /// Close once the requested transactions are done: QUIT (RFC 5321 4.1.1.10), then close.
    mutating func closeRequested() -> [Action] {
        switch phase {
        case .closed:
            return []
        case .ready:
            quitRequested = true
            return startNextTransactions()
        default:
            return failSession(SMTPError(.sessionClosed, message: "closed before the session was ready"))
        }
    }

    /// The handler noticed the channel closed (after QUIT or on its own).
    mutating func channelClosed() -> [Action] {
        failSession(SMTPError(.connectionFailed, command: awaitedCommand, message: "connection closed by the server"))
    }

    // MARK: Setup steps

    private mutating func afterGreeting() -> [Action] {
        let wantsTLS = configuration.tlsMode == .startTLS || configuration.tlsMode == .startTLSIfAvailable
        if !tlsActive, wantsTLS {
            if capabilities.startTLS {
                phase = .startTLS
                return [.send([.startTLS])]
            }
            if configuration.tlsMode == .startTLS {
                return failSession(SMTPError(.startTLSNotOffered, command: "EHLO",
                    message: "tlsMode is starttls but the server does not offer STARTTLS"))
            }
        }
        return authenticateOrBecomeReady()
    }

    private mutating func authenticateOrBecomeReady() -> [Action] {
        guard let credentials = configuration.credentials else { return becomeReady() }
        let cleartextAllowed = configuration.tlsMode == .none && configuration.allowsCleartextAuthentication
        guard tlsActive || cleartextAllowed else {
            return failSession(SMTPError(.authenticationRequiresTLS,
                message: "refusing to send the password over an unencrypted connection"))
        }
        let mechanisms = capabilities.authMechanisms
        // RFC 4954 4: PLAIN with an initial response takes one round trip; LOGIN takes three.
        if mechanisms.contains("PLAIN") {
            phase = .authPlain
            let response = Base64.encode([0] + Array(credentials.username.utf8) + [0] + Array(credentials.password.utf8))
            return [.send([.auth(mechanism: "PLAIN", initialResponse: response)])]
        }
        if mechanisms.contains("LOGIN") {
            phase = .authLoginUsername
            return [.send([.auth(mechanism: "LOGIN", initialResponse: nil)])]
        }
        let offered = mechanisms.isEmpty ? "none" : mechanisms.sorted().joined(separator: " ")
        return failSession(SMTPError(.authenticationNotOffered,
            message: "the server offers no AUTH PLAIN or LOGIN (offered: \(offered))"))
    }

    private mutating func becomeReady() -> [Action] {
        phase = .ready
        return [.sessionReady(capabilities)] + startNextTransactions()
    }

    private var authCommand: String { phase == .authPlain ? "AUTH PLAIN" : "AUTH LOGIN" }
}
