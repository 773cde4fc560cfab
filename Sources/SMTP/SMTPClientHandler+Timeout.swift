import NIOCore
import NIOSSL

/// Reply timeouts (RFC 5321 4.5.3.2) with one scheduled task per connection: each reply only
/// moves a deadline, and the task is re-armed when it fires early or the deadline comes nearer.
extension SMTPClientHandler {
    func updateDeadline() {
        guard let context else { return }
        // While a body is being written, the data block timeout applies (4.5.3.2.5); after it,
        // the timeout of the awaited reply (for the final ".", 10 minutes).
        let timeout = pendingBodyWrites > 0 ? machine.configuration.timeouts.dataBlock : machine.awaitedReplyTimeout
        guard let timeout else {
            deadline = nil
            return
        }
        let deadline = context.eventLoop.now + timeout
        self.deadline = deadline
        if let timer, timer.deadline <= deadline { return }
        timer?.task.cancel()
        scheduleTimer(at: deadline, context: context)
    }

    func scheduleTimer(at deadline: NIODeadline, context: ChannelHandlerContext) {
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timerFired()
        }
        timer = (task, deadline)
    }

    private func timerFired() {
        timer = nil
        guard let context, let deadline else { return }
        if deadline > context.eventLoop.now {
            scheduleTimer(at: deadline, context: context)
            return
        }
        let error = SMTPError(.timeout, command: machine.awaitedCommand, message: "no reply in time")
        perform(machine.failSession(error), context: context)
    }

    /// Maps what the pipeline reports to the error callers see.
    static func smtpError(for error: any Error, command: String?) -> SMTPError {
        switch error {
        case let error as SMTPError:
            return error
        case let error as SMTPLineDecoder.LineTooLong:
            return SMTPError(.protocolViolation, command: command,
                message: "reply line longer than \(error.maximumLength) bytes")
        case is SMTPLineDecoder.CleartextAfterStartTLS:
            return SMTPError(.protocolViolation, command: command,
                message: "the server sent data after its reply to STARTTLS, before TLS")
        case let error as SMTPReplyParser.InvalidReply:
            return SMTPError(.protocolViolation, command: command,
                message: "invalid reply line \(error.line.prefix(200).debugDescription)")
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            // NIOSSL's text is BoringSSL's error stack with the build's source paths: classified, never passed on.
            var failure = SMTPError(.tlsFailed, command: command)
            failure.tlsFailure = TLSFailure.classify(error, expectedHostname: nil, validity: nil)
            failure.message = "TLS failed: \(failure.tlsFailure?.summary ?? "")"
            return failure
        default:
            return SMTPError(.connectionFailed, command: command, message: "\(error)")
        }
    }
}
