import Fluent
import Foundation
import HeraldCore
import MIME

/// One pending install invitation per address and license key: inviting the same address again while its code is
/// unused and unexpired would only mail the same person another code for the same seat, and would let a license
/// administrator mail one address without end. The check runs under `SeatLock`, so two requests inviting the same
/// address at once see each other's rows.
enum PendingInstallInvitations {
    struct Skipped: Sendable, Equatable, Codable {
        let email: String
        let reason: String

        /// "recipients: a@example.com: ..." for the form and for a 409 when nobody was left to invite.
        var problem: String { "recipients: \(email): \(reason)" }
    }

    static let reason = "already has a pending install invitation for this key; nothing was sent again"

    /// Normalized addresses with an unexpired, unused install invitation of `keyID`.
    static func addresses(keyID: UUID, now: Date, on db: any Database) async throws -> Set<String> {
        let rows = try await query(keyID: keyID, now: now, on: db).field(\.$email).all()
        return Set(rows.map { $0.email.lowercased() })
    }

    /// How many there are: the machines that may still ask for a seat (`SeatAlerts`).
    static func count(keyID: UUID, now: Date, on db: any Database) async throws -> Int {
        try await query(keyID: keyID, now: now, on: db).count()
    }

    private static func query(keyID: UUID, now: Date, on db: any Database) -> QueryBuilder<Invitation> {
        Invitation.query(on: db)
            .join(ActivationCodeRecord.self, on: \ActivationCodeRecord.$invitation.$id == \Invitation.$id)
            .filter(ActivationCodeRecord.self, \.$licenseKey.$id == keyID)
            .filter(\.$kind == .install).filter(\.$status == .pending)
            .filter(\.$expiresAt > now)
    }

    /// The recipients to invite, and those skipped because `pending` holds them or the address is suppressed.
    static func split(_ recipients: [EmailAddress], pending: Set<String>, suppressed: Set<String> = []) -> (invite: [EmailAddress], skipped: [Skipped]) {
        guard !pending.isEmpty || !suppressed.isEmpty else { return (recipients, []) }
        var invite: [EmailAddress] = []
        var skipped: [Skipped] = []
        for address in recipients {
            if suppressed.contains(address.normalized) {
                skipped.append(Skipped(email: address.description, reason: Suppressions.refusal(address.normalized)))
            } else if pending.contains(address.normalized) {
                skipped.append(Skipped(email: address.description, reason: reason))
            } else {
                invite.append(address)
            }
        }
        return (invite, skipped)
    }
}
