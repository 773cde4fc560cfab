import NIOCore
import Testing

@testable import SMTP

@Suite("SMTP mail transactions")
struct SMTPStateMachineTransactionTests {
    @Test("with PIPELINING, MAIL, every RCPT and DATA go out in one write")
    func pipelinedCommandsInOneWrite() {
        // given
        var machine = readyMachine(["PIPELINING"])
        // when
        let actions = machine.messageRequested(id: 7, envelope(to: ["a@x.org", "b@y.org"]))
        // then
        #expect(actions == [.send([
            .mail(from: "sender@herald.test", parameters: []), .rcpt(to: "a@x.org"), .rcpt(to: "b@y.org"), .data,
        ])])
    }

    @Test("without PIPELINING, each command waits for the previous reply")
    func lockStepWithoutPipelining() {
        // given
        var machine = readyMachine([])
        // when
        let mail = machine.messageRequested(id: 1, envelope(to: ["a@x.org", "b@y.org"]))
        let rcpt1 = machine.received(reply(250))
        let rcpt2 = machine.received(reply(250))
        let data = machine.received(reply(250))
        let body = machine.received(reply(354))
        let done = machine.received(reply(250, "queued as 1"))
        // then
        #expect(mail == [.send([.mail(from: "sender@herald.test", parameters: [])])])
        #expect(rcpt1 == [.send([.rcpt(to: "a@x.org")])])
        #expect(rcpt2 == [.send([.rcpt(to: "b@y.org")])])
        #expect(data == [.send([.data])])
        #expect(body == [.sendBody(ByteBuffer(string: "Subject: hi\r\n\r\nHello\r\n"))])
        #expect(done.finished.first?.result.successValue?.accepted == ["a@x.org", "b@y.org"])
    }

    @Test("a transaction succeeds when one recipient is accepted and reports the others")
    func partialRecipients() throws {
        // given
        var machine = readyMachine(["PIPELINING"])
        _ = machine.messageRequested(id: 1, envelope(to: ["good@x.org", "bad@x.org"]))
        // when
        _ = machine.received(reply(250))
        _ = machine.received(reply(250))
        _ = machine.received(reply(550, "no such user"))
        _ = machine.received(reply(354))
        let done = machine.received(reply(250, "queued"))
        // then
        let receipt = try #require(done.finished.first?.result.successValue)
        #expect(receipt.accepted == ["good@x.org"])
        #expect(receipt.rejected.map(\.recipient) == ["bad@x.org"])
        #expect(receipt.rejected.first?.error.command == "RCPT TO:<bad@x.org>")
        #expect(receipt.rejected.first?.error.code == 550)
    }

    @Test("when every recipient is refused the transaction fails, RSET follows with the next one")
    func allRecipientsRefusedThenRSET() throws {
        // given
        var machine = readyMachine(["PIPELINING"])
        _ = machine.messageRequested(id: 1, envelope(to: ["a@x.org", "b@x.org"]))
        _ = machine.messageRequested(id: 2, envelope(to: ["c@x.org"]))
        // when
        _ = machine.received(reply(250))
        _ = machine.received(reply(550, "unknown"))
        _ = machine.received(reply(450, "try later"))
        let afterData = machine.received(reply(554, "no valid recipients"))
        // then: the temporary refusal is reported, so the message is retried
        let error = try #require(afterData.finished.first?.result.failureValue)
        #expect(afterData.finished.first?.id == 1)
        #expect(error.code == 450)
        #expect(error.isTemporary)
        #expect(afterData.sentCommands == [.rset, .mail(from: "sender@herald.test", parameters: []), .rcpt(to: "c@x.org"), .data])
    }

    @Test("DATA accepted although no recipient was: an empty message ends it (RFC 2920 3.1)")
    func dataAcceptedWithoutRecipients() {
        // given
        var machine = readyMachine(["PIPELINING"])
        _ = machine.messageRequested(id: 1, envelope())
        _ = machine.received(reply(250))
        _ = machine.received(reply(550, "unknown"))
        // when
        let actions = machine.received(reply(354))
        // then
        #expect(actions.first == .sendBody(ByteBuffer()))
        #expect(actions.finished.first?.result.failureValue?.code == 550)
        #expect(machine.received(reply(554, "no data expected")) == [])
    }

    @Test("after the body, the next transaction is pipelined in the same flush, behind an RSET")
    func nextTransactionFollowsTheBody() {
        // given
        var machine = readyMachine(["PIPELINING"])
        let first = envelope(to: ["a@x.org"], "first\r\n")
        _ = machine.messageRequested(id: 1, first)
        _ = machine.messageRequested(id: 2, envelope(to: ["b@x.org"], "second\r\n"))
        _ = machine.received(reply(250))
        _ = machine.received(reply(250))
        // when
        let actions = machine.received(reply(354))
        let firstDone = machine.received(reply(250, "queued 1"))
        // then
        // The first one's outcome is not known yet: the RSET keeps a refused first transaction out of the second.
        #expect(actions == [
            .sendBody(first.message),
            .send([.rset, .mail(from: "sender@herald.test", parameters: []), .rcpt(to: "b@x.org"), .data]),
        ])
        #expect(firstDone.finished.map(\.id) == [1])
    }

    @Test("a refused final dot is followed by RSET before the next transaction, which succeeds on its own (lock-step)")
    func refusedDotResetsLockStep() throws {
        // given
        var machine = readyMachine([])
        _ = machine.messageRequested(id: 1, envelope(to: ["a@x.org"]))
        _ = machine.messageRequested(id: 2, envelope(to: ["b@x.org"]))
        _ = machine.received(reply(250))
        _ = machine.received(reply(250))
        _ = machine.received(reply(354))
        // when
        let refused = machine.received(reply(554, "content rejected"))
        let afterReset = machine.received(reply(250, "reset"))
        _ = machine.received(reply(250))
        _ = machine.received(reply(250))
        _ = machine.received(reply(354))
        let second = machine.received(reply(250, "queued"))
        // then
        #expect(refused.finished.first?.result.failureValue?.code == 554)
        #expect(refused.sentCommands == [.rset])
        #expect(afterReset.sentCommands == [.mail(from: "sender@herald.test", parameters: [])])
        #expect(second.finished.first?.id == 2)
        #expect(second.finished.first?.result.successValue != nil)
    }

    @Test("a connection reused after a refused final dot starts its next transaction with RSET (pipelined)")
    func refusedDotResetsOnReuse() throws {
        // given: the last transaction of a batch refused after its data
        var machine = readyMachine(["PIPELINING"])
        _ = machine.messageRequested(id: 1, envelope(to: ["a@x.org"]))
        _ = machine.received(reply(250))
        _ = machine.received(reply(250))
        _ = machine.received(reply(354))
        _ = machine.received(reply(554, "content rejected"))
        // when: the pool hands the connection to the next batch
        let next = machine.messageRequested(id: 2, envelope(to: ["b@x.org"]))
        // then
        #expect(next.sentCommands == [.rset, .mail(from: "sender@herald.test", parameters: []), .rcpt(to: "b@x.org"), .data])
    }

    @Test("552 after the final dot is reported as temporary (RFC 5321 4.5.3.1.10)")
    func storageExceededIsTemporary() {
        // given
        var machine = readyMachine(["PIPELINING"])
        _ = machine.messageRequested(id: 1, envelope())
        _ = machine.received(reply(250))
        _ = machine.received(reply(250))
        _ = machine.received(reply(354))
        // when
        let actions = machine.received(reply(552, "mailbox full"))
        // then
        let error = actions.finished.first?.result.failureValue
        #expect(error?.command == "end of data")
        #expect(error?.isTemporary == true)
    }

    @Test("421 in the middle fails every transaction, queued ones too, and closes")
    func serviceClosingFailsEverything() {
        // given
        var machine = readyMachine(["PIPELINING"])
        _ = machine.messageRequested(id: 1, envelope())
        _ = machine.messageRequested(id: 2, envelope())
        _ = machine.received(reply(250))
        // when
        let actions = machine.received(reply(421, "shutting down"))
        // then
        #expect(actions.finished.map(\.id) == [1, 2])
        #expect(actions.finished.allSatisfy { $0.result.failureValue?.isTemporary == true })
        #expect(actions.finished.first?.result.failureValue?.command == "RCPT TO:<ann@example.org>")
        #expect(actions.last == .close)
        #expect(machine.messageRequested(id: 3, envelope()).finished.first?.result.failureValue?.code == 421)
    }

    @Test("SIZE, 8BITMIME and SMTPUTF8 become MAIL FROM parameters when needed")
    func mailParameters() {
        // given
        var machine = readyMachine(["PIPELINING", "SIZE 10000", "8BITMIME", "SMTPUTF8"])
        // when
        let actions = machine.messageRequested(id: 1, envelope(to: ["jürgen@example.de"], "Grüße\r\n"))
        // then
        #expect(actions.sentCommands.first == .mail(from: "sender@herald.test",
            parameters: ["SIZE=\("Grüße\r\n".utf8.count)", "BODY=8BITMIME", "SMTPUTF8"]))
    }

    @Test("messages the server cannot take are refused locally, permanently, without a command")
    func localRefusals() {
        // given
        var machine = readyMachine(["SIZE 10"])
        // when
        let tooBig = machine.messageRequested(id: 1, envelope(to: ["a@x.org"], "far more than ten bytes\r\n"))
        let utf8 = machine.messageRequested(id: 2, envelope(to: ["jürgen@example.de"], "hi\r\n"))
        let eightBit = machine.messageRequested(id: 3, envelope(to: ["a@x.org"], "é\r\n"))
        let injected = machine.messageRequested(id: 4, envelope(to: ["a@x.org>\r\nRCPT TO:<b@x.org"], "hi\r\n"))
        let none = machine.messageRequested(id: 5, envelope(to: [], "hi\r\n"))
        // then
        #expect(tooBig.finished.first?.result.failureValue?.kind == .messageTooLarge)
        #expect(utf8.finished.first?.result.failureValue?.kind == .smtpUTF8NotOffered)
        #expect(eightBit.finished.first?.result.failureValue?.kind == .eightBitMIMENotOffered)
        #expect(injected.finished.first?.result.failureValue?.kind == .invalidEnvelope)
        #expect(none.finished.first?.result.failureValue?.kind == .invalidEnvelope)
        for actions in [tooBig, utf8, eightBit, injected, none] {
            #expect(actions.sentCommands.isEmpty)
            #expect(actions.finished.first?.result.failureValue?.isTemporary == false)
        }
    }

    @Test("close waits for the transactions in flight, then sends QUIT and closes on 221")
    func quitAfterTransactions() {
        // given
        var machine = readyMachine(["PIPELINING"])
        _ = machine.messageRequested(id: 1, envelope())
        // when
        let whileBusy = machine.closeRequested()
        _ = machine.received(reply(250))
        _ = machine.received(reply(250))
        _ = machine.received(reply(354))
        let afterLast = machine.received(reply(250))
        let afterQuit = machine.received(reply(221, "bye"))
        // then
        #expect(whileBusy == [])
        #expect(afterLast.sentCommands == [.quit])
        #expect(afterQuit == [.close])
    }

    @Test("an unexpected reply ends the session with a protocol violation")
    func unexpectedReply() {
        // given
        var machine = readyMachine(["PIPELINING"])
        // when
        let actions = machine.received(reply(250, "surprise"))
        // then
        #expect(actions.failure?.kind == .protocolViolation)
        #expect(actions.failure?.isTemporary == true)
    }
}
