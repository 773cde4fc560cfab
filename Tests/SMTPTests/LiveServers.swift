import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import SMTP

/// The servers `scripts/test-servers` starts; tests that need them fail (not skip) without them.
struct LiveServers {
    let caFile: String
    let startTLSPort: Int
    let tlsPort: Int
    let plainPort: Int
    let maildir: String
    let sinkPort: Int
    let softRejectPort: Int
    let hardRejectPort: Int
    let dataRejectPort: Int
    let disconnectPort: Int
    let username = "herald"
    let password = "herald-test-password"

    static func require() throws -> LiveServers {
        func value(_ name: String) throws -> String {
            try #require(
                ProcessInfo.processInfo.environment[name],
                "\(name) is not set: run the SMTP tests via ./scripts/test (e.g. ./scripts/test --filter SMTPTests), which starts the test servers")
        }
        func port(_ name: String) throws -> Int {
            try #require(Int(try value(name)), "\(name) is not a port number")
        }
        return LiveServers(
            caFile: try value("SMTP_TEST_CA_FILE"),
            startTLSPort: try port("SMTP_TEST_STARTTLS_PORT"),
            tlsPort: try port("SMTP_TEST_TLS_PORT"),
            plainPort: try port("SMTP_TEST_PLAIN_PORT"),
            maildir: try value("SMTP_TEST_MAILDIR"),
            sinkPort: try port("SMTP_TEST_SINK_PORT"),
            softRejectPort: try port("SMTP_TEST_SINK_SOFT_REJECT_PORT"),
            hardRejectPort: try port("SMTP_TEST_SINK_HARD_REJECT_PORT"),
            dataRejectPort: try port("SMTP_TEST_SINK_DATA_REJECT_PORT"),
            disconnectPort: try port("SMTP_TEST_SINK_DISCONNECT_PORT"))
    }

    var credentials: SMTPCredentials { SMTPCredentials(username: username, password: password) }

    /// Short timeouts: every server here is on loopback and answers at once.
    func configuration(port: Int, tlsMode: SMTPTLSMode, host: String = "localhost") -> SMTPServerConfiguration {
        SMTPServerConfiguration(
            host: host, port: port, tlsMode: tlsMode, caFilePath: caFile,
            clientHostname: "herald.test", timeouts: .uniform(.seconds(10)))
    }

    /// The message the aiosmtpd listeners stored for a receipt ("250 2.0.0 OK stored as 000042").
    func storedMessage(for receipt: SMTPDeliveryReceipt) throws -> (eml: Data, envelope: [String: Any]) {
        let name = try #require(receipt.reply.text.split(separator: " ").last.map(String.init))
        let eml = try Data(contentsOf: URL(fileURLWithPath: "\(maildir)/\(name).eml"))
        let json = try Data(contentsOf: URL(fileURLWithPath: "\(maildir)/\(name).envelope.json"))
        let envelope = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        return (eml, envelope)
    }
}

let testLogger: Logger = {
    var logger = Logger(label: "herald.smtp.tests")
    logger.logLevel = .info
    return logger
}()

func connect(_ configuration: SMTPServerConfiguration) async throws(SMTPError) -> SMTPConnection {
    try await SMTPConnection.connect(to: configuration, group: MultiThreadedEventLoopGroup.singleton, logger: testLogger)
}

/// The result of connecting, as a value, for tests that expect a refusal.
func connectResult(_ configuration: SMTPServerConfiguration) async -> Result<SMTPConnection, SMTPError> {
    do {
        return .success(try await connect(configuration))
    } catch {
        return .failure(error)
    }
}
