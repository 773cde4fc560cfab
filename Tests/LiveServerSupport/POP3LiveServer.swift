import Foundation

/// The Dovecot `scripts/test-servers` starts as the bounce mailbox (scripts/test_servers/dovecot.py). Any user name
/// signs in with `password` and has a Maildir of its own: each test takes a user of its own (`mailbox(named:)`).
public struct POP3LiveServer: Sendable {
    /// POP3 with STLS offered (USER/PASS refused before it).
    public let port: Int
    /// POP3S: TLS from the first byte.
    public let tlsPort: Int
    /// PEM text of the CA that issued Dovecot's certificate (CN/SAN localhost, 127.0.0.1).
    public let caCertificatePEM: String
    public let password: String
    let mailRoot: String

    public static func fromEnvironment() throws -> POP3LiveServer {
        POP3LiveServer(
            port: try environmentPort("POP3_TEST_PORT"), tlsPort: try environmentPort("POP3_TEST_TLS_PORT"),
            caCertificatePEM: try String(contentsOfFile: try environmentValue("POP3_TEST_CA_PEM"), encoding: .utf8),
            password: try environmentValue("POP3_TEST_PASSWORD"), mailRoot: try environmentValue("POP3_TEST_MAIL_ROOT"))
    }

    /// A fresh user name for one test.
    public static func newUser(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

    /// Puts a message into `user`'s mailbox the way a local delivery agent does: written under tmp/, renamed into new/.
    public func deliver(_ message: [UInt8], to user: String) throws {
        let maildir = URL(fileURLWithPath: mailRoot).appendingPathComponent(user).appendingPathComponent("Maildir")
        for sub in ["", "tmp", "new", "cur"] {
            let directory = sub.isEmpty ? maildir : maildir.appendingPathComponent(sub)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            // Dovecot runs mail processes as nobody: it must move and delete what the tests (root) put here.
            try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory.path)
            try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory.deletingLastPathComponent().path)
        }
        let name = "\(Int(Date().timeIntervalSince1970)).\(UUID().uuidString).herald-tests"
        let temporary = maildir.appendingPathComponent("tmp").appendingPathComponent(name)
        try Data(message).write(to: temporary)
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: temporary.path)
        try FileManager.default.moveItem(at: temporary, to: maildir.appendingPathComponent("new").appendingPathComponent(name))
    }

    /// How many messages `user`'s mailbox holds (new and seen).
    public func messageCount(of user: String) -> Int {
        let maildir = URL(fileURLWithPath: mailRoot).appendingPathComponent(user).appendingPathComponent("Maildir")
        return ["new", "cur"].reduce(0) { count, sub in
            count + ((try? FileManager.default.contentsOfDirectory(atPath: maildir.appendingPathComponent(sub).path))?.count ?? 0)
        }
    }
}
