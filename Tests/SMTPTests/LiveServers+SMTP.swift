import Foundation
import LiveServerSupport
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import SMTP

/// What the SMTP client's tests add to the shared live servers (Tests/LiveServerSupport).
extension LiveServers {
    var credentials: SMTPCredentials { SMTPCredentials(username: username, password: password) }

    /// Short timeouts: every server here is on loopback and answers at once.
    func configuration(port: Int, tlsMode: SMTPTLSMode, host: String = "localhost") -> SMTPServerConfiguration {
        SMTPServerConfiguration(
            host: host, port: port, tlsMode: tlsMode, caFilePath: caFile,
            clientHostname: "herald.test", timeouts: .uniform(.seconds(10)))
    }

    /// The message the aiosmtpd listeners stored for a receipt ("250 2.0.0 OK stored as 000042").
    func storedMessage(for receipt: SMTPDeliveryReceipt) throws -> (eml: Data, envelope: [String: Any]) {
        try storedMessage(named: try #require(receipt.reply.text.split(separator: " ").last.map(String.init)))
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
