import Foundation

/// The real SMTP servers `scripts/test-servers` starts on loopback: aiosmtpd (STARTTLS, implicit TLS, plain) and
/// Postfix's smtp-sink in its accepting and rejecting modes.
public struct LiveServers: Sendable {
    public let caFile: String
    public let startTLSPort: Int
    public let tlsPort: Int
    public let plainPort: Int
    public let maildir: String
    public let sinkPort: Int
    public let softRejectPort: Int
    public let hardRejectPort: Int
    public let dataRejectPort: Int
    public let disconnectPort: Int
    public let username: String
    public let password: String

    public static func fromEnvironment() throws -> LiveServers {
        LiveServers(
            caFile: try environmentValue("SMTP_TEST_CA_FILE"),
            startTLSPort: try environmentPort("SMTP_TEST_STARTTLS_PORT"),
            tlsPort: try environmentPort("SMTP_TEST_TLS_PORT"),
            plainPort: try environmentPort("SMTP_TEST_PLAIN_PORT"),
            maildir: try environmentValue("SMTP_TEST_MAILDIR"),
            sinkPort: try environmentPort("SMTP_TEST_SINK_PORT"),
            softRejectPort: try environmentPort("SMTP_TEST_SINK_SOFT_REJECT_PORT"),
            hardRejectPort: try environmentPort("SMTP_TEST_SINK_HARD_REJECT_PORT"),
            dataRejectPort: try environmentPort("SMTP_TEST_SINK_DATA_REJECT_PORT"),
            disconnectPort: try environmentPort("SMTP_TEST_SINK_DISCONNECT_PORT"),
            username: try environmentValue("SMTP_TEST_USERNAME"),
            password: try environmentValue("SMTP_TEST_PASSWORD"))
    }

    /// A message aiosmtpd stored under `name` ("000042": `<name>.eml` plus `<name>.envelope.json`, written last).
    public func storedMessage(named name: String) throws -> (eml: Data, envelope: [String: Any]) {
        let eml = try Data(contentsOf: URL(fileURLWithPath: "\(maildir)/\(name).eml"))
        let json = try Data(contentsOf: URL(fileURLWithPath: "\(maildir)/\(name).envelope.json"))
        guard let envelope = try JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw LiveServerSetupError("\(maildir)/\(name).envelope.json is not a JSON object")
        }
        return (eml, envelope)
    }

    /// Messages aiosmtpd received for `recipient`, as raw text.
    public func received(by recipient: String) throws -> [String] {
        let suffix = ".envelope.json"
        let names = try FileManager.default.contentsOfDirectory(atPath: maildir).filter { $0.hasSuffix(suffix) }
        return try names.compactMap { file in
            let stored = try storedMessage(named: String(file.dropLast(suffix.count)))
            guard let recipients = stored.envelope["rcpt_tos"] as? [String], recipients.contains(recipient) else { return nil }
            return String(decoding: stored.eml, as: UTF8.self)
        }
    }
}
