/// The LDAP client session as a plain value: each event returns the actions to perform, and `LDAPClientHandler`
/// only performs them. Nothing here touches a channel, a clock or a socket. One operation runs at a time.
struct LDAPStateMachine {
    enum Action: Equatable {
        case send(LDAPMessage)
        /// Put TLS under the session now (after a successful StartTLS response).
        case startTLS
        /// The session is ready for a bind or a search (TLS is up unless the configuration has none).
        case connected
        case bindSucceeded
        case deliver(LDAPEntry)
        /// The last page is done.
        case searchFinished
        /// The running bind or search failed; the session goes on.
        case operationFailed(LDAPError)
        /// The request just made cannot run (busy, closed, cleartext); what runs is not affected.
        case reject(LDAPError)
        /// The session failed: everything pending fails, then `close`.
        case fail(LDAPError)
        case close
    }

    struct Search: Equatable {
        var parameters: LDAPSearchParameters
        var pageSize: Int?
        var messageID: Int32
    }

    enum Phase: Equatable {
        case connecting, startTLSRequested(Int32), tlsHandshake, idle, binding(Int32), searching(Search), closed
    }

    let security: LDAPConfiguration.Security
    var phase: Phase = .connecting
    private(set) var tlsActive = false
    private var lastMessageID: Int32 = 0
    /// Abandoned searches whose messages may still arrive (RFC 4511 4.11: the server may go on for a while).
    private(set) var abandoned: Set<Int32> = []

    init(security: LDAPConfiguration.Security) {
        self.security = security
    }

    /// Whether a response is awaited, so the response timer should run.
    var awaitsResponse: Bool {
        switch phase {
        case .idle, .closed: false
        default: true
        }
    }

    /// Before the session is ready the connect timeout applies; afterwards the response timeout.
    var isConnecting: Bool {
        switch phase {
        case .connecting, .startTLSRequested, .tlsHandshake: true
        default: false
        }
    }

    // MARK: Session events

    mutating func channelActive() -> [Action] {
        guard phase == .connecting else { return [] }
        switch security {
        case .startTLS:
            let id = nextMessageID()
            phase = .startTLSRequested(id)
            return [.send(LDAPMessage(id: id, operation: .extendedRequest(name: LDAPOID.startTLS, value: nil)))]
        case .ldaps:
            return []  // the handshake runs; tlsEstablished follows
        case .unencryptedForTestsOnly:
            phase = .idle
            return [.connected]
        }
    }

    mutating func tlsEstablished() -> [Action] {
        guard phase == .tlsHandshake || (phase == .connecting && security == .ldaps) else { return [] }
        tlsActive = true
        phase = .idle
        return [.connected]
    }

    mutating func received(_ message: LDAPMessage) -> [Action] {
        if message.id == 0 {
            // An unsolicited notification (4.4): Notice of Disconnection or one we do not know; both end the session.
            guard case .extendedResponse(let result, _) = message.operation else {
                return failSession(LDAPError(.protocolError, message: "unexpected message with ID 0"))
            }
            return failSession(LDAPError(.connectionFailed, result, message: "the server ended the session"))
        }
        if abandoned.contains(message.id) {
            if case .searchResultDone = message.operation { abandoned.remove(message.id) }
            return []
        }
        switch (phase, message.operation) {
        case (.startTLSRequested(let id), .extendedResponse(let result, _)) where id == message.id:
            guard result.code == .success else { return failSession(LDAPError(.startTLSRefused, result)) }
            phase = .tlsHandshake
            return [.startTLS]
        case (.binding(let id), .bindResponse(let result)) where id == message.id:
            phase = .idle
            if result.code == .success { return [.bindSucceeded] }
            return [.operationFailed(LDAPError(result.code == .invalidCredentials ? .invalidCredentials : .bindFailed, result))]
        case (.searching(let search), _) where search.messageID == message.id:
            return receivedInSearch(search, message)
        case (.closed, _):
            return []
        default:
            return failSession(LDAPError(.protocolError, message: "unexpected \(message.operation.name) (message \(message.id))"))
        }
    }

    /// A connection fault, TLS failure, undecodable message or timeout.
    mutating func failSession(_ error: LDAPError) -> [Action] {
        guard phase != .closed else { return [] }
        phase = .closed
        return [.fail(error), .close]
    }

    mutating func channelClosed() -> [Action] {
        failSession(LDAPError(.connectionFailed, message: "the server closed the connection"))
    }

    /// Unbind (4.3) and close; a running operation fails with `.closed`.
    mutating func closeRequested() -> [Action] {
        switch phase {
        case .closed:
            return []
        case .idle, .binding, .searching:
            phase = .closed
            return [.fail(LDAPError(.closed, message: "closed by the client")),
                    .send(LDAPMessage(id: nextMessageID(), operation: .unbindRequest)), .close]
        default:
            return failSession(LDAPError(.closed, message: "closed before the session was ready"))
        }
    }

    // MARK: Operations

    mutating func bindRequested(dn: String, password: String) -> [Action] {
        if let refusal = refusalOfNewOperation() { return [.reject(refusal)] }
        guard tlsActive || security == .unencryptedForTestsOnly else {
            return [.reject(LDAPError(.invalidConfiguration, message: "refusing to send a password without TLS"))]
        }
        let id = nextMessageID()
        phase = .binding(id)
        return [.send(LDAPMessage(id: id, operation: .bindRequest(dn: dn, password: Array(password.utf8))))]
    }

    mutating func searchRequested(_ parameters: LDAPSearchParameters, pageSize: Int?) -> [Action] {
        if let refusal = refusalOfNewOperation() { return [.reject(refusal)] }
        return sendSearch(Search(parameters: parameters, pageSize: pageSize, messageID: 0), cookie: [])
    }

    /// The consumer stopped reading: abandon the search (4.11) and ignore what still comes for it.
    mutating func searchAbandoned() -> [Action] {
        guard case .searching(let search) = phase else { return [] }
        phase = .idle
        abandoned.insert(search.messageID)
        return [.send(LDAPMessage(id: nextMessageID(), operation: .abandonRequest(search.messageID)))]
    }

    private func refusalOfNewOperation() -> LDAPError? {
        switch phase {
        case .idle: nil
        case .closed: LDAPError(.closed, message: "the connection is closed")
        default: LDAPError(.busy, message: "another request is running")
        }
    }

    mutating func nextMessageID() -> Int32 {
        lastMessageID = lastMessageID == Int32.max ? 1 : lastMessageID + 1
        return lastMessageID
    }
}

extension LDAPOperation {
    /// For error messages: the operation's name without its content (which may hold a password).
    var name: String {
        switch self {
        case .bindRequest: "BindRequest"
        case .bindResponse: "BindResponse"
        case .unbindRequest: "UnbindRequest"
        case .searchRequest: "SearchRequest"
        case .searchResultEntry: "SearchResultEntry"
        case .searchResultReference: "SearchResultReference"
        case .searchResultDone: "SearchResultDone"
        case .abandonRequest: "AbandonRequest"
        case .extendedRequest: "ExtendedRequest"
        case .extendedResponse: "ExtendedResponse"
        case .intermediateResponse: "IntermediateResponse"
        }
    }
}
