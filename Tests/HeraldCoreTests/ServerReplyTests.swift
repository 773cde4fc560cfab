import Testing
@testable import HeraldCore

@Suite("ServerReply")
struct ServerReplyTests {
    @Test("the same rejection for different recipients reads the same")
    func addressesBlanked() {
        // given
        let bob = "SMTP rejected: after RCPT TO:<bob@example.com>: server replied 550 5.1.1 <bob@example.com>: User unknown (permanent)"
        let eve = "SMTP rejected: after RCPT TO:<eve@example.org>: server replied 550 5.1.1 <eve@example.org>: User unknown (permanent)"
        // when / then
        #expect(ServerReply.normalized(bob) == ServerReply.normalized(eve))
        #expect(ServerReply.normalized(bob) == "SMTP rejected: after RCPT TO:<address>: server replied 550 5.1.1 <address>: User unknown (permanent)")
    }

    @Test("queue ids and attempt counts are blanked, reply codes kept")
    func idsBlanked() {
        // given / when
        let reply = ServerReply.normalized("gave up after 7 attempt(s): 451 4.3.0 queue id 4Fq2x9ZkLmN7 deferred, mail to user@host.test")
        // then
        #expect(reply == "gave up after retrying: 451 4.3.0 queue id … deferred, mail to address")
    }

    @Test("very long replies are cut")
    func cut() {
        // given / when / then
        #expect(ServerReply.normalized(String(repeating: "x ", count: 400)).count == 300)
    }
}
