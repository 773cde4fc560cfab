import Fluent
import Foundation
import HeraldCore
import Vapor

/// `herald suppression list|add|clear|import|export` for operators without the console.
struct SuppressionCommands: AsyncCommandGroup {
    let help = "Manage the organization's suppression list"
    let commands: [String: any AnyAsyncCommand] = [
        "list": SuppressionListCommand(),
        "add": SuppressionAddCommand(),
        "clear": SuppressionClearCommand(),
        "import": SuppressionImportCommand(),
        "export": SuppressionExportCommand(),
    ]
}

struct SuppressionSignature: OrganizationSignature {
    @Option(name: "organization", help: "The organization's name") var organization: String?
    @Option(name: "address", help: "The email address") var address: String?
    @Option(name: "note", help: "Why it is suppressed (add)") var note: String?
    @Option(name: "file", help: "The CSV file (import: read; export: written, '-' or absent for standard output)") var file: String?
    init() {}

    var requiredAddress: String {
        get throws {
            guard let address, !address.isEmpty else { throw CommandError.usage("--address: an email address is required") }
            return address
        }
    }
}

struct SuppressionListCommand: OrganizationCommand {
    typealias Signature = SuppressionSignature
    let help = "List suppressed addresses (address, reason, server's reply or note, added by, added)"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let entries = try await SuppressedAddress.query(on: context.application.db)
            .filter(\.$organization.$id == (try organization.requireID())).sort(\.$address).all()
        for entry in entries {
            context.console.print([entry.address, entry.reason.rawValue, entry.remoteReason ?? "", entry.addedBy,
                                   DisplayDate.format(entry.createdAt)].joined(separator: "\t"))
        }
    }
}

struct SuppressionAddCommand: OrganizationCommand {
    typealias Signature = SuppressionSignature
    let help = "Suppress an address: no invitation is sent to it until it is cleared"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let address = try signature.requiredAddress
        if let problem = SafeText.fieldProblem(signature.note, field: "note") { throw CommandError.fields([problem]) }
        let added = try await asCommandError(options: ["csv": "file"]) {
            try await Suppressions.add(organizationID: try organization.requireID(), address: address, reason: .manual,
                                       note: signature.note, actor: .commandLine, on: context.application.db)
        }
        context.console.print(added ? "suppressed \(try Suppressions.normalize(address))" : "already suppressed")
    }
}

struct SuppressionClearCommand: OrganizationCommand {
    typealias Signature = SuppressionSignature
    let help = "Clear an address from the suppression list"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let address = try signature.requiredAddress
        try await asCommandError(options: ["csv": "file"]) {
            try await Suppressions.clear(organizationID: try organization.requireID(), address: address, actor: .commandLine,
                                         on: context.application.db)
        }
        context.console.print("cleared \(try Suppressions.normalize(address))")
    }
}

struct SuppressionImportCommand: OrganizationCommand {
    typealias Signature = SuppressionSignature
    let help = "Import addresses from a CSV file (address[,reason,note]); a file with problems imports nothing"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        guard let path = signature.file, let data = FileManager.default.contents(atPath: path) else {
            throw CommandError.usage("--file: a readable CSV file is required")
        }
        let result = try await asCommandError(options: ["csv": "file"]) {
            try await SuppressionList.importCSV(data, organizationID: try organization.requireID(), actor: .commandLine,
                                                on: context.application.db)
        }
        context.console.print("\(result.added) added, \(result.existing) already listed")
    }
}

struct SuppressionExportCommand: OrganizationCommand {
    typealias Signature = SuppressionSignature
    let help = "Write the suppression list as CSV"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let entries = try await SuppressedAddress.query(on: context.application.db)
            .filter(\.$organization.$id == (try organization.requireID())).sort(\.$address).all()
        var csv = SpreadsheetSafeCSVWriter.line(SuppressionCSV.header)
        for entry in entries {
            csv += SpreadsheetSafeCSVWriter.line([entry.address, entry.reason.rawValue, entry.remoteReason ?? "", entry.addedBy,
                                                  DisplayDate.format(entry.createdAt)])
        }
        if let path = signature.file, path != "-" {
            guard FileManager.default.createFile(atPath: path, contents: Data(csv.utf8)) else {
                throw CommandError.usage("--file: cannot write \(path)")
            }
            context.console.print("\(entries.count) addresses written to \(path)")
        } else {
            FileHandle.standardOutput.write(Data(csv.utf8))
        }
    }
}
