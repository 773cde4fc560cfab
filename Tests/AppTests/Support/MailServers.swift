import Foundation

/// The real SMTP servers `./scripts/test` starts on loopback (see scripts/test-servers).
struct MailServers {
    let caFile: String
    let startTLSPort: Int
    let plainPort: Int
    let maildir: String
    let sinkPort: Int
    let softRejectPort: Int
    let hardRejectPort: Int
    let dataRejectPort: Int
    let disconnectPort: Int
    let username: String
    let password: String

    static func fromEnvironment() throws -> MailServers {
        let environment = ProcessInfo.processInfo.environment
        func value(_ name: String) throws -> String {
            guard let value = environment[name], !value.isEmpty else {
                throw TestSetupError("\(name) is not set: run the suite through ./scripts/test, which starts the SMTP test servers")
            }
            return value
        }
        func port(_ name: String) throws -> Int {
            guard let port = Int(try value(name)) else { throw TestSetupError("\(name) is not a port number") }
            return port
        }
        return MailServers(
            caFile: try value("SMTP_TEST_CA_FILE"), startTLSPort: try port("SMTP_TEST_STARTTLS_PORT"),
            plainPort: try port("SMTP_TEST_PLAIN_PORT"), maildir: try value("SMTP_TEST_MAILDIR"),
            sinkPort: try port("SMTP_TEST_SINK_PORT"), softRejectPort: try port("SMTP_TEST_SINK_SOFT_REJECT_PORT"),
            hardRejectPort: try port("SMTP_TEST_SINK_HARD_REJECT_PORT"), dataRejectPort: try port("SMTP_TEST_SINK_DATA_REJECT_PORT"),
            disconnectPort: try port("SMTP_TEST_SINK_DISCONNECT_PORT"),
            username: try value("SMTP_TEST_USERNAME"), password: try value("SMTP_TEST_PASSWORD")
        )
    }

    /// Messages aiosmtpd received for `recipient`, as raw text (it writes `<n>.eml` plus `<n>.envelope.json`).
    func received(by recipient: String) throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: maildir).filter { $0.hasSuffix(".envelope.json") }
        return try files.compactMap { file in
            let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: maildir + "/" + file))) as? [String: Any]
            guard let recipients = envelope?["rcpt_tos"] as? [String], recipients.contains(recipient) else { return nil }
            let eml = maildir + "/" + file.replacingOccurrences(of: ".envelope.json", with: ".eml")
            return try String(contentsOfFile: eml, encoding: .utf8)
        }
    }
}
