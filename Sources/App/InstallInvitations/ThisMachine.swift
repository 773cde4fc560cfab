import Foundation
import HeraldCore

/// Describes the computer `herald activate` runs on, from what Linux and macOS expose without root.
enum ThisMachine {
    static func describe() -> MachineDescription {
        let mac = macAddress()
        // machine-id is generated once per installation of the OS (systemd, dbus): stable across reboots and
        // renames, unlike the hostname. Hashed with the MAC so that the fingerprint reveals neither.
        let machineID = read("/etc/machine-id") ?? read("/var/lib/dbus/machine-id") ?? ProcessInfo.processInfo.hostName
        return MachineDescription(
            fingerprint: TokenGenerator.hash("herald-machine-v1|\(machineID)|\(mac ?? "")"),
            computerName: ProcessInfo.processInfo.hostName,
            operatingSystem: operatingSystem(),
            serialNumber: read("/sys/class/dmi/id/product_serial"),
            macAddress: mac
        )
    }

    static func operatingSystem() -> String {
        if let release = read("/etc/os-release"),
           let line = release.split(separator: "\n").first(where: { $0.hasPrefix("PRETTY_NAME=") }) {
            return String(line.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return ProcessInfo.processInfo.operatingSystemVersionString
    }

    /// The first real network adapter's address, in name order so it is the same on every run.
    static func macAddress() -> String? {
        let folder = "/sys/class/net"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        for name in names where name != "lo" {
            if let address = read("\(folder)/\(name)/address"), address != "00:00:00:00:00:00", address.count == 17 {
                return address.uppercased()
            }
        }
        return nil
    }

    private static func read(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
