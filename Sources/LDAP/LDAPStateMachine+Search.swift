/// The search and its pages (RFC 2696): the next page is requested as soon as one ends, so the server works while
/// the consumer does; `LDAPClientHandler` stops reading when the consumer falls behind, which bounds memory.
extension LDAPStateMachine {
    mutating func sendSearch(_ search: Search, cookie: [UInt8]) -> [Action] {
        var search = search
        search.messageID = nextMessageID()
        var message = LDAPMessage(id: search.messageID, operation: .searchRequest(search.parameters))
        if let pageSize = search.pageSize {
            do {
                message.controls = [try LDAPControl.pagedResults(size: pageSize, cookie: cookie)]
            } catch {
                return [.reject(LDAPError(.invalidConfiguration, message: "cannot encode the paging control"))]
            }
        }
        phase = .searching(search)
        return [.send(message)]
    }

    mutating func receivedInSearch(_ search: Search, _ message: LDAPMessage) -> [Action] {
        switch message.operation {
        case .searchResultEntry(let entry):
            return [.deliver(entry)]
        case .searchResultReference, .intermediateResponse:
            // Referrals (Active Directory's DomainDnsZones and the like) point at other servers: not followed.
            return []
        case .searchResultDone(let result):
            return searchDone(search, result, controls: message.controls)
        default:
            return failSession(LDAPError(.protocolError, message: "unexpected \(message.operation.name) in a search"))
        }
    }

    private mutating func searchDone(_ search: Search, _ result: LDAPResult, controls: [LDAPControl]) -> [Action] {
        switch result.code {
        case .success:
            if search.pageSize != nil, let control = controls.first(where: { $0.type == LDAPOID.pagedResults }) {
                let cookie: [UInt8]
                do {
                    cookie = try control.pagedResultsCookie()
                } catch {
                    return failSession(LDAPError(.protocolError, message: "\(error)"))
                }
                if !cookie.isEmpty { return sendSearch(search, cookie: cookie) }
            }
            // No control back: the server ignored paging and sent everything at once, which is a complete result.
            phase = .idle
            return [.searchFinished]
        case .sizeLimitExceeded:
            phase = .idle
            let how = search.pageSize.map { "paged search (page size \($0)) stopped by the size limit" } ?? "search without paging"
            return [.operationFailed(LDAPError(.sizeLimitExceeded, result, message: how))]
        case .timeLimitExceeded:
            phase = .idle
            return [.operationFailed(LDAPError(.timeLimitExceeded, result))]
        default:
            phase = .idle
            return [.operationFailed(LDAPError(.searchFailed, result))]
        }
    }
}
