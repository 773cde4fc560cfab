import Fluent
import Vapor

/// Step 1 of the wizard: can this organization send invitations at all?
///
/// An organization that never saved mail settings runs on the install's fallback (`herald@localhost` through
/// the file spool): fine for a test email, not for inviting people, who would get mail from an address nobody
/// reads, or none at all. So client invitations need saved settings with a sender and a usable transport.
enum MailReadiness {
    /// Why the organization cannot send yet, or nil when it can. Each reason names the setting to fix.
    static func problems(organizationID: UUID, on db: any Database) async throws -> [String] {
        guard let settings = try await MailSettings.query(on: db).filter(\.$organization.$id == organizationID).first() else {
            return ["mail: no mail settings are saved for this organization; set the sender address and the transport on the Mail page"]
        }
        var problems: [String] = []
        if settings.senderAddress.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append("mail: the sender address is not set")
        }
        switch settings.transport {
        case "file": break
        case "smtp" where settings.host?.isEmpty == false: break
        case "smtp": problems.append("mail: the transport is SMTP but no server (host:port) is set")
        default: problems.append("mail: the transport '\(settings.transport)' is not configured")
        }
        return problems
    }

    static func require(organizationID: UUID, on db: any Database) async throws {
        let problems = try await problems(organizationID: organizationID, on: db)
        guard problems.isEmpty else { throw Abort(.conflict, reason: problems.joined(separator: "; ")) }
    }
}
