import NIOCore
import NIOSSL

extension LDAPClientHandler {
    func perform(_ actions: [LDAPStateMachine.Action], context: ChannelHandlerContext) {
        var wrote = false
        for action in actions {
            switch action {
            case .send(let message):
                logger.trace("LDAP send", metadata: ["ldap.operation": "\(message.operation.name)", "ldap.id": "\(message.id)"])
                if case .extendedRequest = message.operation { startTLSBoundary?.isArmed = true }
                // The next page's request: what was read of this page goes out first, so a batch never spans pages.
                if case .searchRequest = message.operation { deliverBatch() }
                context.write(wrapOutboundOut(message), promise: nil)
                wrote = true
            case .startTLS:
                startTLS(context: context)
            case .connected:
                completeConnected(.success(()))
            case .bindSucceeded:
                if case .bind(let promise) = operation { promise.succeed(()) }
                operation = nil
            case .deliver(let entry):
                batch.append(entry)
                if batch.count >= Self.maximumBatch { deliverBatch() }
            case .searchFinished:
                deliverBatch()
                if case .search(let source, _) = operation { source.finish() }
                operation = nil
                resumeReading(context: context)
            case .operationFailed(let error):
                deliverBatch()
                if let operation { Self.fail(operation, error) }
                operation = nil
                resumeReading(context: context)
            case .reject:
                break  // answered where the request arrived
            case .fail(let error):
                completeConnected(.failure(error))
                deliverBatch()
                if let operation { Self.fail(operation, error) }
                operation = nil
            case .close:
                if wrote { context.flush() }
                wrote = false
                context.close(promise: nil)
            }
        }
        if wrote { context.flush() }
        updateTimer()
    }

    static func fail(_ operation: Operation, _ error: LDAPError) {
        switch operation {
        case .bind(let promise): promise.fail(error)
        case .search(let source, _): source.finish(error)
        }
    }

    /// Hands the entries read so far to the consumer; when it has enough buffered, reading stops until it asks.
    func deliverBatch() {
        guard !batch.isEmpty else { return }
        guard case .search(let source, _) = operation else {
            batch = []
            return
        }
        let entries = batch
        batch = []
        if source.yield(contentsOf: CollectionOfOne(entries)) == .stopProducing {
            consumerIsBehind = true
            updateTimer()
        }
    }

    private func startTLS(context: ChannelHandlerContext) {
        do {
            guard let makeTLSHandler else { throw LDAPError(.invalidConfiguration, message: "no TLS configuration") }
            try context.pipeline.syncOperations.addHandler(makeTLSHandler(), position: .first)
        } catch {
            perform(machine.failSession(ldapError(for: error)), context: context)
        }
    }

    private func completeConnected(_ result: Result<Void, LDAPError>) {
        guard !connectedCompleted else { return }
        connectedCompleted = true
        connected.completeWith(result.mapError { $0 as any Error })
    }

    /// Maps what the pipeline reports to the error callers see.
    func ldapError(for error: any Error) -> LDAPError {
        switch error {
        case let error as LDAPError:
            return error
        case let error as LDAPDecodingError:
            return LDAPError(.protocolError, message: error.description)
        case let error as LDAPMessageDecoder.MessageTooLong:
            return LDAPError(.protocolError, message: "a message of \(error.length) bytes (at most \(error.maximum) accepted)")
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            return classifyTLSError(error) ?? LDAPError(.tlsFailed, message: "TLS failed")
        default:
            return LDAPError(.connectionFailed, message: "\(error)")
        }
    }

    // MARK: Response timer

    /// The deadline moves with every message and action (the timeout runs from the server's last sign of life, and
    /// not at all while the consumer is behind: then we are the slow side); one scheduled task checks it.
    func updateTimer() {
        guard let context, machine.awaitsResponse, !consumerIsBehind else {
            cancelTimer()
            return
        }
        deadline = context.eventLoop.now + (machine.isConnecting ? timeouts.connect : timeouts.response)
        if timer == nil { scheduleTimer(context: context) }
    }

    private func scheduleTimer(context: ChannelHandlerContext) {
        guard let deadline else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            guard let context = self.context, let deadline = self.deadline else { return }
            if deadline > context.eventLoop.now {
                scheduleTimer(context: context)
                return
            }
            let kind: LDAPError.Kind = machine.isConnecting ? .connectTimeout : .responseTimeout
            perform(machine.failSession(LDAPError(kind, message: "no answer in time")), context: context)
        }
    }

    func cancelTimer() {
        timer?.cancel()
        timer = nil
        deadline = nil
    }
}
