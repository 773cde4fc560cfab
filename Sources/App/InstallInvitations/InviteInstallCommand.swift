import Fluent
import Foundation
import HeraldCore
import Vapor

/// `herald invite install --organization NAME --key KEY-NAME --csv FILE [--expires 7d] [--language fr] [--export FILE]`
struct InviteInstallCommand: OrganizationCommand {
    struct Signature: OrganizationSignature {
        @Option(name: "organization", help: "The organization's name") var organization: String?
        @Option(name: "key", help: "The license key's name") var key: String?
        @Option(name: "csv", help: "A CSV file with a single column of email addresses") var csv: String?
        @Option(name: "expires", help: "1d, 3d, 7d, 14d, 30d or YYYY-MM-DD (default 7d)") var expires: String?
        @Option(name: "language", help: "en, de, fr, es, it, ja or zh-Hans (default en)") var language: String?
        @Option(name: "export", help: "Write email, activation code, download URL, expiry and status to this CSV file") var export: String?
    }

    let help = "Invite everyone in a CSV file to install with a license key: a personal code and download link each"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let organizationID = try organization.requireID()
        guard let keyName = signature.key, !keyName.isEmpty else { throw CommandError.usage("--key KEY-NAME is required") }
        guard let key = try await LicenseKey.query(on: app.db).filter(\.$organization.$id == organizationID)
            .filter(\.$name == keyName).first() else {
            throw CommandError.usage("--key: '\(organization.name)' has no license key named '\(keyName)'")
        }
        guard let path = signature.csv, !path.isEmpty else { throw CommandError.usage("--csv FILE is required") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw CommandError.usage("--csv: cannot read '\(path)'") }
        guard let language = Language(code: signature.language ?? "en") else {
            throw CommandError.usage("--language: '\(signature.language ?? "")' is not one of \(Language.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let expiresAt: Date
        do { expiresAt = try InvitationExpiry.parse(signature.expires) } catch { throw CommandError.fields(error.problems) }
        let list = RecipientListParser().parseCSV(fileAtPath: path)
        guard list.errors.isEmpty else { throw CommandError.invalid(list.errors.map { "\(path): \($0)" }) }
        guard !list.recipients.isEmpty else { throw CommandError.invalid(["\(path): the file has no email addresses"]) }
        // Open the export file before sending, so an unwritable path fails before anyone is invited.
        let exportHandle = try signature.export.map { try Self.createFile($0) }

        let total = list.recipients.count
        let bar = context.console.progressBar(title: "Inviting \(total) people")
        bar.start()
        let result: InstallInvitationBatch.Result
        do {
            result = try await InstallInvitationBatch.send(.init(
                keyID: try key.requireID(), recipients: list.addresses, language: language, expiresAt: expiresAt, inviterID: nil, actor: .commandLine
            ), mailer: app.herald.mailer, secrets: app.herald.installInvitationSecrets,
           turns: app.herald.installInvitationTurns, on: app.db) { done in
                bar.activity.currentProgress = Double(done) / Double(total)
            }
            bar.succeed()
        } catch {
            bar.fail()
            throw error
        }
        if let exportHandle, let exportPath = signature.export {
            try await InstallInvitationExport.write(batchID: result.batchID, organizationID: organizationID, secrets: app.herald.installInvitationSecrets,
                                                    on: app.db) { line in try exportHandle.write(contentsOf: Data(line.utf8)) }
            try exportHandle.close()
            context.console.print("Wrote \(exportPath).")
        }
        for skipped in result.skipped { context.console.warning("\(skipped.email): \(skipped.reason)") }
        let forecast = try await SeatForecast.after(result, key: key, on: app.db)
        context.console.print("Queued for '\(key.name)':")
        for line in forecast.sentences(app.herald.catalog, .en, languageName: language.nativeName, expires: DisplayDate.expiry(result.expiresAt)) {
            context.console.print("  \(line)")
        }
        if let warning = forecast.warning(app.herald.catalog, .en) { context.console.warning(warning) }
        context.console.print("`herald serve` (or `herald deliver --until-empty`) sends them.")
    }

    private static func createFile(_ path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CommandError.usage("--export: cannot write '\(path)'")
        }
        return handle
    }
}
