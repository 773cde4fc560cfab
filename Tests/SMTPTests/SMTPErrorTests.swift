import Testing

@testable import SMTP

@Suite("SMTP error classification")
struct SMTPErrorTests {
    @Test("4xx and 552 are temporary, other 5xx permanent", arguments: [
        (421, true), (450, true), (451, true), (452, true), (552, true),
        (500, false), (535, false), (550, false), (553, false), (554, false),
    ])
    func replyCodes(code: Int, temporary: Bool) {
        // given
        let error = SMTPError.rejected("RCPT TO:<a@b>", SMTPReply(code: code, lines: ["text"]))
        // when
        let isTemporary = error.isTemporary
        // then
        #expect(isTemporary == temporary)
    }

    @Test("faults of the connection are temporary, configuration mismatches permanent")
    func kinds() {
        // given
        let temporary: [SMTPError.Kind] = [.connectionFailed, .timeout, .protocolViolation, .tlsFailed]
        let permanent: [SMTPError.Kind] = [.startTLSNotOffered, .authenticationRequiresTLS, .messageTooLarge, .invalidEnvelope]
        // when / then
        for kind in temporary { #expect(SMTPError(kind).isTemporary, "\(kind)") }
        for kind in permanent { #expect(!SMTPError(kind).isTemporary, "\(kind)") }
    }

    @Test("the description names the command, the reply and the classification")
    func description() {
        // given
        let error = SMTPError.rejected("RCPT TO:<a@b>", SMTPReply(code: 550, enhancedCode: "5.1.1", lines: ["5.1.1 unknown user"]))
        // when
        let text = error.description
        // then
        #expect(text == "SMTP rejected: after RCPT TO:<a@b>: server replied 550 5.1.1 unknown user (permanent)")
    }
}
