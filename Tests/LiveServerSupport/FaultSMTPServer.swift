import Foundation

/// scripts/smtp-fault-server.py as `./scripts/test` starts it: one listener per fault, and a log with one JSON
/// line per message whose final dot arrived, so tests can count deliveries per Message-ID.
public struct FaultSMTPServer: Sendable {
    public struct Record: Decodable, Sendable {
        public let mode: String
        public let port: Int
        /// `accepted` (250 sent), `unacknowledged` (received whole, then 421 or a drop) or `rejected` (5xx).
        public let event: String
        public let rcpt: [String]
        public let messageID: String?

        enum CodingKeys: String, CodingKey {
            case mode, port, event, rcpt
            case messageID = "message_id"
        }
    }

    public let ports: [String: Int]
    public let logPath: String

    public static func fromEnvironment() throws -> FaultSMTPServer {
        let list = try environmentValue("SMTP_TEST_FAULT_PORTS"), log = try environmentValue("SMTP_TEST_FAULT_LOG")
        let ports = list.split(separator: ",").reduce(into: [String: Int]()) { ports, pair in
            let parts = pair.split(separator: "=")
            if parts.count == 2, let port = Int(parts[1]) { ports[String(parts[0])] = port }
        }
        return FaultSMTPServer(ports: ports, logPath: log)
    }

    public func port(_ mode: String) throws -> Int {
        guard let port = ports[mode] else { throw LiveServerSetupError("the fault SMTP server has no '\(mode)' listener") }
        return port
    }

    /// Every logged message with a recipient starting with `prefix` (tests use a unique prefix each).
    public func records(recipientPrefix prefix: String) throws -> [Record] {
        guard FileManager.default.fileExists(atPath: logPath) else { return [] }
        let decoder = JSONDecoder()
        return try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n").compactMap { line in
            // The server may be in the middle of writing the last line.
            guard let record = try? decoder.decode(Record.self, from: Data(line.utf8)) else { return nil }
            return record.rcpt.contains { $0.hasPrefix(prefix) } ? record : nil
        }
    }

    /// How many times each Message-ID was accepted (250 after the final dot).
    public func acceptedCounts(recipientPrefix prefix: String) throws -> [String: Int] {
        try records(recipientPrefix: prefix).filter { $0.event == "accepted" }
            .reduce(into: [:]) { $0[Self.bare($1.messageID ?? ""), default: 0] += 1 }
    }

    /// A Message-ID without its angle brackets, as both sides are compared.
    public static func bare(_ messageID: String) -> String {
        messageID.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
    }
}
