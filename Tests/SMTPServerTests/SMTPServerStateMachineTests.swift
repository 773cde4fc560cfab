import Testing
@testable import SMTPServer

/// The server side of SMTP without I/O (#18): the dialogue, the limits, and hostile input.
@Suite("SMTP server state machine")
struct SMTPServerStateMachineTests {
    typealias Action = SMTPServerStateMachine.Action

    static func machine(_ adjust: (inout SMTPSessionConfiguration) -> Void = { _ in }) -> SMTPServerStateMachine {
        var configuration = SMTPSessionConfiguration(hostname: "mx.herald.test")
        adjust(&configuration)
        return SMTPServerStateMachine(configuration: configuration)
    }

    /// The reply codes among `actions`, in order (a multi-line reply counts once).
    static func codes(_ actions: [Action]) -> [String] {
        actions.compactMap { if case .reply(let text) = $0 { return String(text.split(separator: "\r\n").last!.prefix(3)) } else { return nil } }
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// EHLO, MAIL FROM:<> and one accepted recipient.
    static func inTransaction(_ machine: inout SMTPServerStateMachine) {
        _ = machine.receive(bytes("EHLO relay.test\r\nMAIL FROM:<> SIZE=100 BODY=8BITMIME\r\nRCPT TO:<bounces@b.test>\r\n"))
        _ = machine.recipientChecked(accepted: true)
    }

    @Test("a whole session: EHLO announces SIZE, the message is dot-unstuffed and delivered, 250 after delivery, QUIT closes")
    func wholeSession() {
        var machine = Self.machine { $0.maximumMessageBytes = 5000 }
        guard case .reply(let greeting) = machine.greeting else { Issue.record("no greeting"); return }
        #expect(greeting == "220 mx.herald.test ESMTP Herald\r\n")
        let ehlo = machine.receive(Self.bytes("EHLO relay.test\r\n"))
        #expect(ehlo == [.reply("250-mx.herald.test\r\n250-PIPELINING\r\n250-SIZE 5000\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n")])
        #expect(machine.receive(Self.bytes("MAIL FROM:<>\r\n")) == [.reply("250 2.1.0 Ok\r\n")])
        #expect(machine.receive(Self.bytes("RCPT TO:<bounces+abc@b.test>\r\n")) == [.checkRecipient("bounces+abc@b.test")])
        #expect(machine.recipientChecked(accepted: true) == [.reply("250 2.1.5 Ok\r\n")])
        #expect(Self.codes(machine.receive(Self.bytes("DATA\r\n"))) == ["354"])
        let delivered = machine.receive(Self.bytes("Subject: x\r\n\r\n..leading dot\r\n.\r\n"))
        #expect(delivered == [.deliver(SMTPServerEnvelope(mailFrom: "", recipients: ["bounces+abc@b.test"],
                                                            message: Self.bytes("Subject: x\r\n\r\n.leading dot\r\n")))])
        #expect(machine.deliveryFinished(.accepted) == [.reply("250 2.0.0 Ok: message accepted\r\n")])
        #expect(machine.receive(Self.bytes("quit\r\n")) == [.reply("221 2.0.0 Bye\r\n"), .close])
        #expect(machine.receive(Self.bytes("NOOP\r\n")) == [])
    }

    @Test("a refused recipient is 550 5.1.1, so the listener is neither an open relay nor a sink; an unanswered check is 451")
    func refusedRecipient() {
        var machine = Self.machine()
        _ = machine.receive(Self.bytes("HELO relay.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<victim@elsewhere.example>\r\n"))
        let refused = machine.recipientChecked(accepted: false)
        #expect(Self.codes(refused) == ["550"])
        #expect(refused.first == .reply("550 5.1.1 <victim@elsewhere.example>: Recipient address rejected: this server accepts only its bounce addresses\r\n"))
        #expect(machine.receive(Self.bytes("DATA\r\n")) == [.reply("554 5.5.1 No valid recipients\r\n")])
        #expect(machine.receive(Self.bytes("RCPT TO:<bounces@b.test>\r\n")) == [.checkRecipient("bounces@b.test")])
        #expect(Self.codes(machine.recipientChecked(accepted: nil)) == ["451"])
    }

    @Test("a database error at the final dot is 451 4.3.0 and ends the transaction; a rejection is 554 5.6.0 on one line")
    func deliveryOutcomes() {
        var machine = Self.machine()
        Self.inTransaction(&machine)
        _ = machine.receive(Self.bytes("DATA\r\nx\r\n.\r\n"))
        #expect(machine.deliveryFinished(.temporaryFailure("database unavailable")) == [.reply("451 4.3.0 database unavailable\r\n")])
        #expect(Self.codes(machine.receive(Self.bytes("DATA\r\n"))) == ["503"])
        Self.inTransaction(&machine)
        _ = machine.receive(Self.bytes("DATA\r\nx\r\n.\r\n"))
        #expect(machine.deliveryFinished(.rejected("no\r\nInjected: header")) == [.reply("554 5.6.0 no  Injected: header\r\n")])
    }

    @Test("commands out of order are 503; unknown and unoffered ones are 500 and 502; syntax errors 501")
    func outOfOrder() {
        var machine = Self.machine { $0.maximumErrors = 20 }
        #expect(Self.codes(machine.receive(Self.bytes("MAIL FROM:<>\r\n"))) == ["503"])
        #expect(Self.codes(machine.receive(Self.bytes("RCPT TO:<bounces@b.test>\r\n"))) == ["503"])
        #expect(Self.codes(machine.receive(Self.bytes("DATA\r\n"))) == ["503"])
        #expect(Self.codes(machine.receive(Self.bytes("EHLO\r\n"))) == ["501"])
        #expect(Self.codes(machine.receive(Self.bytes("EHLO x\r\nMAIL FROM:<>\r\nMAIL FROM:<>\r\n"))) == ["250", "250", "503"])
        #expect(Self.codes(machine.receive(Self.bytes("RSET\r\nMAIL FROM:a@b\r\nMAIL FROM:<> AUTH=x\r\nMAIL FROM:<> SIZE=-1\r\n"))) == ["250", "501", "555", "501"])
        #expect(Self.codes(machine.receive(Self.bytes("VRFY root\r\nSTARTTLS\r\nXYZZY\r\nNOOP\r\n"))) == ["502", "502", "500", "250"])
    }

    @Test("pipelined commands are answered in order, and nothing after a RCPT is read until its check is answered")
    func pipelining() {
        var machine = Self.machine()
        let first = machine.receive(Self.bytes("EHLO r\r\nMAIL FROM:<>\r\nRCPT TO:<bounces@b.test>\r\nRCPT TO:<x@y.test>\r\nDATA\r\n"))
        #expect(Self.codes(first) == ["250", "250"])
        #expect(first.last == .checkRecipient("bounces@b.test"))
        let second = machine.recipientChecked(accepted: true)
        #expect(second == [.reply("250 2.1.5 Ok\r\n"), .checkRecipient("x@y.test")])
        #expect(Self.codes(machine.recipientChecked(accepted: false)) == ["550", "354"])
        // The next transaction pipelined behind the final dot waits for the delivery's answer.
        let data = machine.receive(Self.bytes("hello\r\n.\r\nRSET\r\nNOOP\r\n"))
        #expect(data.count == 1)
        #expect(Self.codes(machine.deliveryFinished(.accepted)) == ["250", "250", "250"])
    }

    @Test("SIZE over the limit is refused at MAIL; a message over the limit is read to its end and refused with 552")
    func sizeLimit() {
        var machine = Self.machine { $0.maximumMessageBytes = 100 }
        _ = machine.receive(Self.bytes("EHLO r\r\n"))
        #expect(Self.codes(machine.receive(Self.bytes("MAIL FROM:<> SIZE=101\r\n"))) == ["552"])
        _ = machine.receive(Self.bytes("MAIL FROM:<> SIZE=100\r\nRCPT TO:<bounces@b.test>\r\n"))
        _ = machine.recipientChecked(accepted: true)
        _ = machine.receive(Self.bytes("DATA\r\n"))
        var actions: [Action] = []
        for _ in 0..<50 { actions += machine.receive(Self.bytes(String(repeating: "a", count: 60) + "\r\n")) }
        #expect(actions.isEmpty)
        #expect(machine.receive(Self.bytes(".\r\n")) == [.reply("552 5.3.4 Message size exceeds fixed maximum message size (100 bytes)\r\n")])
        #expect(Self.codes(machine.receive(Self.bytes("NOOP\r\n"))) == ["250"])
    }

    @Test("an overlong command line is 500 and skipped to its end however it arrives; an overlong data line refuses the message")
    func overlongLines() {
        var machine = Self.machine { $0.maximumCommandLineBytes = 64; $0.maximumDataLineBytes = 80 }
        _ = machine.receive(Self.bytes("EHLO r\r\n"))
        #expect(Self.codes(machine.receive(Self.bytes("NOOP " + String(repeating: "x", count: 100) + "\r\n"))) == ["500"])
        // Without its line end, in pieces: refused once, then the rest of it is dropped up to the LF.
        #expect(Self.codes(machine.receive(Self.bytes(String(repeating: "y", count: 70)))) == ["500"])
        #expect(machine.receive(Self.bytes(String(repeating: "y", count: 10_000))) == [])
        #expect(Self.codes(machine.receive(Self.bytes("yyy\r\nNOOP\r\n"))) == ["250"])
        _ = machine.receive(Self.bytes("MAIL FROM:<>\r\nRCPT TO:<bounces@b.test>\r\n"))
        _ = machine.recipientChecked(accepted: true)
        _ = machine.receive(Self.bytes("DATA\r\n" + String(repeating: "z", count: 200) + "\r\nok\r\n"))
        #expect(Self.codes(machine.receive(Self.bytes(".\r\n"))) == ["500"])
    }

    @Test("a bare LF closes the connection (no SMTP smuggling), in commands and in a message")
    func bareLineFeed() {
        var commands = Self.machine()
        #expect(Self.codes(commands.receive(Self.bytes("EHLO r\nNOOP\r\n"))) == ["521"])
        #expect(commands.isClosed)
        var data = Self.machine()
        Self.inTransaction(&data)
        _ = data.receive(Self.bytes("DATA\r\nSubject: x\r\n\r\nbody\n.\r\nMAIL FROM:<>\r\n"))
        #expect(data.isClosed)
    }

    @Test("NUL and control bytes in a command are 500; NUL bytes in a message refuse it with 554 at the final dot")
    func nulBytes() {
        var machine = Self.machine()
        #expect(Self.codes(machine.receive(Self.bytes("EHLO r\u{0}x\r\n"))) == ["500"])
        #expect(Self.codes(machine.receive(Self.bytes("EHLO r\u{1B}x\r\nEHLO r\r\n"))) == ["500", "250"])
        _ = machine.receive(Self.bytes("MAIL FROM:<>\r\nRCPT TO:<bounces@b.test>\r\n"))
        _ = machine.recipientChecked(accepted: true)
        #expect(Self.codes(machine.receive(Self.bytes("DATA\r\na\u{0}b\r\n.\r\n"))) == ["354", "554"])
    }

    @Test("recipients, commands and errors per connection are bounded")
    func bounds() {
        var recipients = Self.machine { $0.maximumRecipients = 2 }
        _ = recipients.receive(Self.bytes("EHLO r\r\nMAIL FROM:<>\r\n"))
        for _ in 0..<2 {
            _ = recipients.receive(Self.bytes("RCPT TO:<bounces@b.test>\r\n"))
            _ = recipients.recipientChecked(accepted: true)
        }
        #expect(Self.codes(recipients.receive(Self.bytes("RCPT TO:<bounces@b.test>\r\n"))) == ["452"])

        var commands = Self.machine { $0.maximumCommands = 3 }
        let noops = commands.receive(Self.bytes("NOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\n"))
        #expect(Self.codes(noops) == ["250", "250", "250", "421"] && noops.last == .close)

        var errors = Self.machine { $0.maximumErrors = 2 }
        let refused = errors.receive(Self.bytes("X\r\nX\r\nX\r\nX\r\n"))
        #expect(Self.codes(refused) == ["500", "500", "500", "421"] && refused.last == .close)
    }

    @Test("input pipelined while a check is awaited is bounded; a silent client is told 421")
    func pendingInputAndTimeout() {
        var machine = Self.machine { $0.maximumPendingBytes = 1000 }
        _ = machine.receive(Self.bytes("EHLO r\r\nMAIL FROM:<>\r\nRCPT TO:<bounces@b.test>\r\n"))
        let flood = machine.receive(Self.bytes(String(repeating: "NOOP\r\n", count: 200)))
        #expect(Self.codes(flood) == ["421"] && flood.last == .close)
        var idle = Self.machine()
        #expect(Self.codes(idle.timedOut()) == ["421"])
    }
}
