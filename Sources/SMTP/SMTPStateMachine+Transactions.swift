import NIOCore

/// Mail transactions (RFC 5321 3.3) on a ready session, pipelined when offered (RFC 2920).
extension SMTPStateMachine {
    /// Queues a message; it starts as soon as the session allows.
    mutating func messageRequested(id: Int, _ envelope: SMTPEnvelope) -> [Action] {
        guard phase != .closed, !quitRequested else {
            let error = terminalError ?? SMTPError(.sessionClosed, message: "the session is closing")
            return [.finishTransaction(id: id, .failure(error))]
        }
        queued.append((id, envelope))
        return phase == .ready ? startNextTransactions() : []
    }

    /// The timeout for the reply awaited now, or nil when none is (RFC 5321 4.5.3.2).
    var awaitedReplyTimeout: TimeAmount? {
        let timeouts = configuration.timeouts
        switch phase {
        case .greeting: return timeouts.greeting
        case .closed: return nil
        case .ready:
            switch expected.first {
            case nil: return nil
            case .mail, .rset: return timeouts.mail
            case .rcpt: return timeouts.rcpt
            case .data: return timeouts.dataInitiation
            case .endOfData, .abortedData: return timeouts.finalDot
            case .quit: return timeouts.quit
            }
        default: return timeouts.mail
        }
    }

    /// The command whose reply is awaited, for error messages.
    var awaitedCommand: String? {
        switch phase {
        case .greeting: return "connection greeting"
        case .ehlo: return "EHLO"
        case .helo: return "HELO"
        case .startTLS, .tlsHandshake: return "STARTTLS"
        case .authPlain: return "AUTH PLAIN"
        case .authLoginUsername, .authLoginPassword, .authLoginFinal: return "AUTH LOGIN"
        case .closed: return nil
        case .ready:
            switch expected.first {
            case nil: return nil
            case .mail: return inFlight.last?.mailCommand
            case .rcpt(let recipient): return "RCPT TO:<\(recipient)>"
            case .data: return "DATA"
            case .endOfData, .abortedData: return "end of data"
            case .rset: return "RSET"
            case .quit: return "QUIT"
            }
        }
    }

    mutating func receivedInSession(_ reply: SMTPReply) -> [Action] {
        // RFC 5321 3.8: 421 means the server is closing the channel, whatever was asked.
        if reply.code == 421 { return failSession(.rejected(awaitedCommand ?? "session", reply)) }
        let command = awaitedCommand ?? "none"
        guard let awaited = expected.popFirst() else {
            return failSession(SMTPError(.protocolViolation, reply: reply, message: "unexpected reply"))
        }
        let pipelining = capabilities.pipelining
        switch awaited {
        case .mail:
            let index = inFlight.index(before: inFlight.endIndex)
            if !reply.isPositiveCompletion { inFlight[index].mailError = .rejected(command, reply) }
            if pipelining { return [] }
            return inFlight[index].mailError == nil ? sendNextUnsent(index) : abortLastTransaction()
        case .rcpt(let recipient):
            let index = inFlight.index(before: inFlight.endIndex)
            if reply.isPositiveCompletion {
                inFlight[index].accepted.append(recipient)
            } else {
                inFlight[index].rejected.append(SMTPRecipientRejection(recipient: recipient, error: .rejected(command, reply)))
            }
            if pipelining { return [] }
            // Without pipelining DATA is only sent when a recipient was accepted.
            if inFlight[index].unsent.first == .data, inFlight[index].accepted.isEmpty { return abortLastTransaction() }
            return sendNextUnsent(index)
        case .data:
            return dataReplied(reply, command: command)
        case .endOfData:
            let transaction = inFlight.removeFirst()
            guard reply.isPositiveCompletion else {
                // A transaction pipelined behind the dot went out after an RSET already (`startNextTransactions`);
                // otherwise the next one must wait for one.
                if inFlight.isEmpty { resetBeforeNextTransaction = true }
                return [.finishTransaction(id: transaction.id, .failure(.rejected(command, reply)))] + startNextTransactions()
            }
            let receipt = SMTPDeliveryReceipt(accepted: transaction.accepted, rejected: transaction.rejected, reply: reply)
            return [.finishTransaction(id: transaction.id, .success(receipt))] + startNextTransactions()
        case .abortedData, .rset:
            return startNextTransactions()
        case .quit:
            phase = .closed
            terminalError = SMTPError(.sessionClosed, message: "the session was closed with QUIT")
            return [.close]
        }
    }

    private mutating func dataReplied(_ reply: SMTPReply, command: String) -> [Action] {
        let index = inFlight.index(before: inFlight.endIndex)
        let transaction = inFlight[index]
        guard reply.code == 354 else {
            // A refused DATA leaves the server with a started transaction: RSET it.
            return abortLastTransaction(dataError: .rejected(command, reply))
        }
        guard transaction.mailError == nil, !transaction.accepted.isEmpty else {
            // RFC 2920 3.1: DATA was accepted although no recipient was; send an empty message
            // ("." alone) so the server ends the transaction, and report the failure.
            inFlight.remove(at: index)
            expected.append(.abortedData)
            return [.sendBody(ByteBuffer()), .finishTransaction(id: transaction.id, .failure(failureError(of: transaction)))]
                + startNextTransactions()
        }
        inFlight[index].bodySent = true
        expected.append(.endOfData)
        // RFC 2920 3.1 lets the next transaction follow the final "." in the same write.
        return [.sendBody(transaction.envelope.message)] + startNextTransactions()
    }

    private mutating func sendNextUnsent(_ index: CircularBuffer<Transaction>.Index) -> [Action] {
        let command = inFlight[index].unsent.removeFirst()
        switch command {
        case .rcpt(let recipient): expected.append(.rcpt(recipient))
        default: expected.append(.data)
        }
        return [.send([command])]
    }

    /// Ends the newest transaction before its data: report it, RSET, go on with the next.
    private mutating func abortLastTransaction(dataError: SMTPError? = nil) -> [Action] {
        let transaction = inFlight.removeLast()
        let error = failureError(of: transaction, dataError: dataError)
        expected.append(.rset)
        let next = startNextTransactions()
        var commands: [SMTPCommand] = [.rset]
        var actions: [Action] = [.finishTransaction(id: transaction.id, .failure(error))]
        for action in next {
            if case .send(let more) = action { commands += more } else { actions.append(action) }
        }
        return [actions[0], .send(commands)] + actions.dropFirst()
    }

    /// Why a transaction failed before its data: MAIL's error; else DATA's when a recipient was
    /// accepted; else a recipient's, a temporary one first so the sender retries what may succeed.
    private func failureError(of transaction: Transaction, dataError: SMTPError? = nil) -> SMTPError {
        if let error = transaction.mailError { return error }
        if !transaction.accepted.isEmpty, let dataError { return dataError }
        let errors = transaction.rejected.map(\.error)
        return errors.first(where: \.isTemporary) ?? errors.first ?? dataError
            ?? SMTPError(.protocolViolation, message: "transaction failed without a reply that says why")
    }

    /// Starts queued transactions as far as the session allows, then QUIT if asked and idle.
    mutating func startNextTransactions() -> [Action] {
        guard phase == .ready else { return [] }
        var actions: [Action] = []
        while let next = queued.first {
            let (id, envelope) = (next.id, next.envelope)
            if capabilities.pipelining {
                // One transaction ahead at most: it may only start once the previous one's
                // data is on its way, since a refused DATA must be followed by RSET.
                guard !inFlight.contains(where: { !$0.bodySent }) else { break }
            } else {
                guard expected.isEmpty else { break }
            }
            if resetBeforeNextTransaction, !capabilities.pipelining {
                // Lock-step: RSET alone; its reply starts the transaction.
                resetBeforeNextTransaction = false
                expected.append(.rset)
                actions.append(.send([.rset]))
                break
            }
            queued.removeFirst()
            let parameters: [String]
            switch mailParameters(for: envelope) {
            case .failure(let error):
                actions.append(.finishTransaction(id: id, .failure(error)))
                continue
            case .success(let value):
                parameters = value
            }
            let mail = SMTPCommand.mail(from: envelope.sender, parameters: parameters)
            var commands = [mail] + envelope.recipients.map { SMTPCommand.rcpt(to: $0) } + [.data]
            var transaction = Transaction(id: id, envelope: envelope, mailCommand: mail.description, unsent: [])
            if capabilities.pipelining {
                if resetBeforeNextTransaction || expected.contains(where: { $0 == .endOfData || $0 == .abortedData }) {
                    // The previous transaction failed, or its outcome is not known yet: a server that keeps a
                    // refused transaction open would take this MAIL as nested (503) and fail an unrelated message.
                    resetBeforeNextTransaction = false
                    expected.append(.rset)
                    commands.insert(.rset, at: 0)
                }
                expected.append(.mail)
                for recipient in envelope.recipients { expected.append(.rcpt(recipient)) }
                expected.append(.data)
            } else {
                transaction.unsent = Array(commands.dropFirst())
                commands = [mail]
                expected.append(.mail)
            }
            inFlight.append(transaction)
            actions.append(.send(commands))
        }
        if quitRequested, queued.isEmpty, expected.isEmpty {
            expected.append(.quit)
            actions.append(.send([.quit]))
        }
        return actions
    }
}
