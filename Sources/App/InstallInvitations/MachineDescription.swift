import Foundation
import HeraldCore
import Vapor

/// The computer asking for a seat, as the activation request describes it.
struct MachineDescription: Sendable, Equatable {
    var fingerprint: String
    var computerName: String
    var operatingSystem: String
    var serialNumber: String?
    var macAddress: String?

    /// Checks each field; a bad one is a 400 naming it, and nothing is stored.
    static func validated(
        fingerprint: String?, computerName: String?, operatingSystem: String?, serialNumber: String?, macAddress: String?
    ) throws -> MachineDescription {
        func text(_ value: String?, _ field: String, required: Bool, max: Int) throws -> String? {
            let trimmed = value?.trimmingWhitespace() ?? ""
            if trimmed.isEmpty {
                if required { throw Abort(.badRequest, reason: "\(field): is required") }
                return nil
            }
            guard trimmed.count <= max else { throw Abort(.badRequest, reason: "\(field): must be at most \(max) characters") }
            // These end up in CSV exports, console tables and logs.
            if let problem = SafeText.fieldProblem(trimmed, field: field) { throw Abort(.badRequest, reason: problem) }
            return trimmed
        }
        let fingerprint = try text(fingerprint, "fingerprint", required: true, max: 256)!
        guard fingerprint.count >= 8 else { throw Abort(.badRequest, reason: "fingerprint: must be at least 8 characters") }
        return MachineDescription(
            fingerprint: fingerprint,
            computerName: try text(computerName, "computerName", required: true, max: 255)!,
            operatingSystem: try text(operatingSystem, "operatingSystem", required: true, max: 255)!,
            serialNumber: try text(serialNumber, "serialNumber", required: false, max: 255),
            macAddress: try text(macAddress, "macAddress", required: false, max: 17).map(normalizedMAC)
        )
    }

    /// `aa-bb-cc-dd-ee-ff` and `AA:BB:...` are the same adapter; stored as `AA:BB:CC:DD:EE:FF`.
    static func normalizedMAC(_ text: String) throws -> String {
        let parts = text.uppercased().split(whereSeparator: { $0 == ":" || $0 == "-" })
        guard parts.count == 6, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isHexDigit) }) else {
            throw Abort(.badRequest, reason: "macAddress: '\(text)' is not a MAC address like 00:1A:2B:3C:4D:5E")
        }
        return parts.joined(separator: ":")
    }
}
