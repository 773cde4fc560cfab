import NIOCore

@testable import SMTP

/// A reply as the state machine receives it.
func reply(_ code: Int, _ lines: String..., enhanced: String? = nil) -> SMTPReply {
    SMTPReply(code: code, enhancedCode: enhanced, lines: lines.isEmpty ? ["ok"] : lines)
}

func envelope(
    from sender: String = "sender@herald.test",
    to recipients: [String] = ["ann@example.org"],
    _ message: String = "Subject: hi\r\n\r\nHello\r\n"
) -> SMTPEnvelope {
    SMTPEnvelope(sender: sender, recipients: recipients, message: ByteBuffer(string: message))
}

/// A state machine that has been greeted and has seen an EHLO reply with these extensions.
func readyMachine(
    _ extensions: [String] = ["PIPELINING"],
    tlsMode: SMTPTLSMode = .none,
    timeouts: SMTPTimeouts = .rfc5321
) -> SMTPStateMachine {
    var machine = SMTPStateMachine(configuration: .init(tlsMode: tlsMode, credentials: nil, timeouts: timeouts))
    _ = machine.received(reply(220, "mx.example.org ESMTP"))
    _ = machine.received(SMTPReply(code: 250, lines: ["mx.example.org"] + extensions))
    return machine
}

extension Array where Element == SMTPStateMachine.Action {
    /// All commands of the `.send` actions, in order.
    var sentCommands: [SMTPCommand] {
        flatMap { action -> [SMTPCommand] in
            if case .send(let commands) = action { return commands }
            return []
        }
    }

    var finished: [(id: Int, result: Result<SMTPDeliveryReceipt, SMTPError>)] {
        compactMap { action in
            if case .finishTransaction(let id, let result) = action { return (id, result) }
            return nil
        }
    }

    var failure: SMTPError? {
        for action in self { if case .fail(let error) = action { return error } }
        return nil
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }

    var successValue: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
}
