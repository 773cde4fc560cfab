import Testing

@testable import LDAP

@Suite struct LDAPStateMachineTests {
    private let ok = LDAPResult(code: .success, matchedDN: "", diagnosticMessage: "")
    private let parameters = LDAPSearchParameters(baseDN: "dc=t", scope: .wholeSubtree, filter: .present(attribute: "uid"), attributes: [])

    private func result(_ code: LDAPResultCode, _ diagnostic: String = "") -> LDAPResult {
        LDAPResult(code: code, matchedDN: "", diagnosticMessage: diagnostic)
    }

    /// A machine past StartTLS and the handshake, ready for operations; the last message ID used was 1.
    private func readyMachine() -> LDAPStateMachine {
        var machine = LDAPStateMachine(security: .startTLS)
        _ = machine.channelActive()
        _ = machine.received(LDAPMessage(id: 1, operation: .extendedResponse(ok, name: nil)))
        _ = machine.tlsEstablished()
        return machine
    }

    @Test func startTLSComesFirstAndNothingElseBeforeTheHandshake() {
        var machine = LDAPStateMachine(security: .startTLS)
        #expect(machine.channelActive() == [.send(LDAPMessage(id: 1, operation: .extendedRequest(name: LDAPOID.startTLS, value: nil)))])
        #expect(machine.bindRequested(dn: "cn=a", password: "p") == [.reject(LDAPError(.busy, message: "another request is running"))])
        #expect(machine.received(LDAPMessage(id: 1, operation: .extendedResponse(ok, name: LDAPOID.startTLS))) == [.startTLS])
        #expect(machine.isConnecting)
        #expect(machine.tlsEstablished() == [.connected])
        #expect(machine.tlsActive)
        #expect(!machine.awaitsResponse)
    }

    @Test func aRefusedStartTLSEndsTheSessionWithTheServersWords() {
        var machine = LDAPStateMachine(security: .startTLS)
        _ = machine.channelActive()
        let refusal = result(.protocolError, "unsupported extended operation")
        #expect(machine.received(LDAPMessage(id: 1, operation: .extendedResponse(refusal, name: nil)))
            == [.fail(LDAPError(.startTLSRefused, refusal)), .close])
    }

    @Test func ldapsIsReadyAfterTheHandshakeAndUnencryptedAtOnce() {
        var ldaps = LDAPStateMachine(security: .ldaps)
        #expect(ldaps.channelActive() == [])
        #expect(ldaps.tlsEstablished() == [.connected])
        var plain = LDAPStateMachine(security: .unencryptedForTestsOnly)
        #expect(plain.channelActive() == [.connected])
        #expect(plain.bindRequested(dn: "cn=a", password: "p") == [.send(LDAPMessage(id: 1, operation: .bindRequest(dn: "cn=a", password: Array("p".utf8))))])
    }

    @Test func bindResultsAreClassified() {
        var machine = readyMachine()
        #expect(machine.bindRequested(dn: "cn=a", password: "p") == [.send(LDAPMessage(id: 2, operation: .bindRequest(dn: "cn=a", password: Array("p".utf8))))])
        let wrong = result(.invalidCredentials, "bad password")
        #expect(machine.received(LDAPMessage(id: 2, operation: .bindResponse(wrong))) == [.operationFailed(LDAPError(.invalidCredentials, wrong))])
        _ = machine.bindRequested(dn: "cn=a", password: "p")
        let other = result(.unwillingToPerform)
        #expect(machine.received(LDAPMessage(id: 3, operation: .bindResponse(other))) == [.operationFailed(LDAPError(.bindFailed, other))])
        _ = machine.bindRequested(dn: "cn=a", password: "p")
        #expect(machine.received(LDAPMessage(id: 4, operation: .bindResponse(ok))) == [.bindSucceeded])
    }

    @Test func pagesFollowTheCookieUntilItIsEmpty() throws {
        var machine = readyMachine()
        let first = machine.searchRequested(parameters, pageSize: 2)
        var expected = LDAPMessage(id: 2, operation: .searchRequest(parameters))
        expected.controls = [try LDAPControl.pagedResults(size: 2, cookie: [])]
        #expect(first == [.send(expected)])
        let entry = LDAPEntry(dn: "uid=a", attributes: [:])
        #expect(machine.received(LDAPMessage(id: 2, operation: .searchResultEntry(entry))) == [.deliver(entry)])
        #expect(machine.received(LDAPMessage(id: 2, operation: .searchResultReference)) == [])
        var done = LDAPMessage(id: 2, operation: .searchResultDone(ok))
        done.controls = [LDAPControl(type: LDAPOID.pagedResults, value: ServerMessage.pagedValue(size: 0, cookie: [7]))]
        expected = LDAPMessage(id: 3, operation: .searchRequest(parameters))
        expected.controls = [try LDAPControl.pagedResults(size: 2, cookie: [7])]
        #expect(machine.received(done) == [.send(expected)])
        done.id = 3
        done.controls = [LDAPControl(type: LDAPOID.pagedResults, value: ServerMessage.pagedValue(size: 0, cookie: []))]
        #expect(machine.received(done) == [.searchFinished])
        #expect(machine.phase == .idle)
    }

    @Test func aServerIgnoringPagingGivesACompleteResult() {
        var machine = readyMachine()
        _ = machine.searchRequested(parameters, pageSize: 100)
        #expect(machine.received(LDAPMessage(id: 2, operation: .searchResultDone(ok))) == [.searchFinished])
    }

    @Test func searchFailuresAreClassified() {
        var machine = readyMachine()
        _ = machine.searchRequested(parameters, pageSize: nil)
        let limit = result(.sizeLimitExceeded)
        #expect(machine.received(LDAPMessage(id: 2, operation: .searchResultDone(limit)))
            == [.operationFailed(LDAPError(.sizeLimitExceeded, limit, message: "search without paging"))])
        _ = machine.searchRequested(parameters, pageSize: nil)
        let time = result(.timeLimitExceeded)
        #expect(machine.received(LDAPMessage(id: 3, operation: .searchResultDone(time))) == [.operationFailed(LDAPError(.timeLimitExceeded, time))])
        _ = machine.searchRequested(parameters, pageSize: nil)
        let missing = result(.noSuchObject)
        #expect(machine.received(LDAPMessage(id: 4, operation: .searchResultDone(missing))) == [.operationFailed(LDAPError(.searchFailed, missing))])
        #expect(LDAPError(.searchFailed, missing).explanation.contains("base DN does not exist"))
    }

    @Test func unexpectedMessagesAreProtocolErrors() {
        var machine = readyMachine()
        _ = machine.searchRequested(parameters, pageSize: nil)
        let actions = machine.received(LDAPMessage(id: 9, operation: .bindResponse(ok)))
        guard case .fail(let error) = actions.first else {
            Issue.record("expected the session to fail: \(actions)")
            return
        }
        #expect(error.kind == .protocolError)
        #expect(actions.last == .close)
        #expect(machine.received(LDAPMessage(id: 2, operation: .searchResultDone(ok))) == [])
    }

    @Test func aNoticeOfDisconnectionEndsTheSession() {
        var machine = readyMachine()
        let notice = result(.unavailable, "server shutting down")
        let actions = machine.received(LDAPMessage(id: 0, operation: .extendedResponse(notice, name: LDAPOID.noticeOfDisconnection)))
        #expect(actions == [.fail(LDAPError(.connectionFailed, notice, message: "the server ended the session")), .close])
    }

    @Test func oneOperationAtATime() {
        var machine = readyMachine()
        _ = machine.searchRequested(parameters, pageSize: nil)
        #expect(machine.searchRequested(parameters, pageSize: nil) == [.reject(LDAPError(.busy, message: "another request is running"))])
    }

    @Test func anAbandonedSearchIsIgnoredAfterwards() {
        var machine = readyMachine()
        _ = machine.searchRequested(parameters, pageSize: nil)
        #expect(machine.searchAbandoned() == [.send(LDAPMessage(id: 3, operation: .abandonRequest(2)))])
        #expect(machine.received(LDAPMessage(id: 2, operation: .searchResultEntry(LDAPEntry(dn: "x", attributes: [:])))) == [])
        #expect(machine.received(LDAPMessage(id: 2, operation: .searchResultDone(ok))) == [])
        #expect(machine.abandoned.isEmpty)
        #expect(machine.bindRequested(dn: "cn=a", password: "p").count == 1)
    }

    @Test func closeUnbindsAndFailsWhatRuns() {
        var machine = readyMachine()
        _ = machine.searchRequested(parameters, pageSize: nil)
        #expect(machine.closeRequested() == [.fail(LDAPError(.closed, message: "closed by the client")),
                                              .send(LDAPMessage(id: 3, operation: .unbindRequest)), .close])
        #expect(machine.closeRequested() == [])
        #expect(machine.bindRequested(dn: "a", password: "b") == [.reject(LDAPError(.closed, message: "the connection is closed"))])
    }

    @Test func noPasswordWithoutTLS() {
        // Unreachable through events (TLS modes become idle only with TLS up); the guard stays, and is checked.
        var machine = LDAPStateMachine(security: .ldaps)
        machine.phase = .idle
        #expect(machine.bindRequested(dn: "a", password: "b")
            == [.reject(LDAPError(.invalidConfiguration, message: "refusing to send a password without TLS"))])
    }
}
