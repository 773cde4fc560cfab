import Foundation

/// The Postfix `scripts/test-servers` starts as a relay that accepts mail for `<anyone>@relay.test` and then bounces
/// it (unknown user), delivering the DSN for `bounces+…@bounces.test` into the Dovecot mailbox of `mailboxUser`
/// (scripts/test_servers/postfix_relay.py).
public struct PostfixRelayServer: Sendable {
    public let port: Int
    public let mailboxUser: String
    public let logPath: String

    public static func fromEnvironment() throws -> PostfixRelayServer {
        PostfixRelayServer(port: try environmentPort("POSTFIX_TEST_PORT"), mailboxUser: try environmentValue("POSTFIX_TEST_MAILBOX_USER"),
                           logPath: try environmentValue("POSTFIX_TEST_LOG"))
    }

    /// The last lines of Postfix's log, for a failure message.
    public func logTail(_ lines: Int = 20) -> String {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
