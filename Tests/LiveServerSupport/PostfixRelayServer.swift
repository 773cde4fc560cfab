import Foundation

/// The Postfix `scripts/test-servers` starts as a relay that accepts mail for `<anyone>@relay.test` and then bounces
/// it (unknown user), delivering the DSN for `bounces+…@bounces.test` into the Dovecot mailbox of `mailboxUser`
/// (scripts/test_servers/postfix_relay.py). Bounces for `bounces+…@inbound.test` it relays over SMTP to
/// `127.0.0.1:inboundPort`, where a test starts Herald's inbound listener; `overquota@relay.test` bounces with 5.2.2.
public struct PostfixRelayServer: Sendable {
    public let port: Int
    public let mailboxUser: String
    public let logPath: String
    public let inboundPort: Int

    public static func fromEnvironment() throws -> PostfixRelayServer {
        PostfixRelayServer(port: try environmentPort("POSTFIX_TEST_PORT"), mailboxUser: try environmentValue("POSTFIX_TEST_MAILBOX_USER"),
                           logPath: try environmentValue("POSTFIX_TEST_LOG"), inboundPort: try environmentPort("POSTFIX_TEST_INBOUND_PORT"))
    }

    /// The last lines of Postfix's log, for a failure message.
    public func logTail(_ lines: Int = 20) -> String {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
