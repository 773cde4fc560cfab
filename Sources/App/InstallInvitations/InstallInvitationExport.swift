import Fluent
import Foundation
import HeraldCore

/// "Download invitations": one batch as CSV (email, activation code, download URL, expiry, status), written
/// page by page so that 100,000 rows never sit in memory at once. Cells go through `SpreadsheetSafeCSVWriter`.
package enum InstallInvitationExport {
    /// One invitation of the batch as the export (and the "Invitations sent" page) shows it.
    package struct Row: Encodable, Sendable {
        let email: String
        package let activationCode: String
        let downloadURL: String
        let expires: String
        let status: String

        /// The CSV's cells, in `header`'s order: the one place that order is written down.
        var cells: [String] { [email, activationCode, downloadURL, expires, status] }
    }

    static let header = ["email", "activation_code", "download_url", "expires", "status"]
    static let pageSize = 1000

    static func write(
        batchID: UUID, organizationID: UUID, secrets: InstallInvitationSecrets, on db: any Database, now: Date = Date(),
        row: (String) throws -> Void
    ) async throws {
        try row(SpreadsheetSafeCSVWriter.line(header))
        var after: String?
        while true {
            let page = try await rows(batchID: batchID, organizationID: organizationID, after: after, limit: pageSize,
                                      secrets: secrets, on: db, now: now)
            for invitation in page { try row(SpreadsheetSafeCSVWriter.line(invitation.cells)) }
            guard page.count == pageSize, let last = page.last else { return }
            after = last.email
        }
    }

    /// Up to `limit` rows of the batch after the email `after`, in email order.
    package static func rows(
        batchID: UUID, organizationID: UUID, after: String? = nil, limit: Int, secrets: InstallInvitationSecrets, on db: any Database,
        now: Date = Date()
    ) async throws -> [Row] {
        var query = Invitation.query(on: db).filter(\.$batchID == batchID).filter(\.$organization.$id == organizationID)
        if let after { query = query.filter(\.$email > after) }
        return try await query.sort(\.$email).limit(limit).all().map { invitation in
            let opened = InstallInvitationBatch.Payload.decode(invitation.payload)?.open(with: secrets.box)
            let code = opened.flatMap { ActivationCode(userInput: $0.code)?.description } ?? ""
            let url = opened.map { ActivationURLs.downloadPage(token: $0.token, base: secrets.publicURL) } ?? ""
            return Row(email: invitation.email, activationCode: code, downloadURL: url, expires: DisplayDate.format(invitation.expiresAt),
                       status: displayStatus(invitation, now: now))
        }
    }

    /// "activated" reads better than "accepted" for an install invitation.
    static func displayStatus(_ invitation: Invitation, now: Date) -> String {
        let status = InvitationLifecycle.effectiveStatus(stored: invitation.status, expiresAt: invitation.expiresAt, now: now)
        return status == .accepted ? "activated" : status.rawValue
    }
}
