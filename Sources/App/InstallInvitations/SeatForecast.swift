import Fluent
import Foundation
import HeraldCore

/// What inviting people to install does to a key's seats, counted apart: the new invitations, the addresses
/// skipped because their invitation is pending already, the earlier invitations still pending, and the free
/// seats. New and earlier pending invitations compete for the same free seats, first come first served.
struct SeatForecast: Sendable, Equatable {
    let seats: Int
    let used: Int
    /// Invitations this batch sends.
    let new: Int
    /// Recipients not invited again: an invitation of theirs for this key is pending.
    let skipped: Int
    /// Earlier invitations of this key, unused and unexpired (the skipped ones among them).
    let pending: Int

    var free: Int { SeatPolicy().freeSeats(seats: seats, used: used) }
    /// People who cannot activate until a seat is freed, if everyone invited activates.
    var shortfall: Int { SeatPolicy().shortfall(seats: seats, used: used, invitations: new + pending) }

    /// The forecast of a batch just sent: the key's pending invitations now include the batch's own.
    static func after(_ result: InstallInvitationBatch.Result, key: LicenseKey, on db: any Database) async throws -> SeatForecast {
        let keyID = try key.requireID()
        let used = try await LicenseKeyStore.usedSeats(keyID: keyID, on: db)
        let pending = try await PendingInstallInvitations.addresses(keyID: keyID, now: Date(), on: db).count
        return SeatForecast(seats: key.seats, used: used, new: result.count, skipped: result.skipped.count,
                            pending: max(0, pending - result.count))
    }

    /// One sentence each, from the catalog's plural forms.
    func sentences(_ catalog: MessageCatalog, _ language: Language, languageName: String, expires: String) -> [String] {
        var lines = [catalog.plural("install.review.new", count: new, language, ["language": languageName, "date": expires])]
        if skipped > 0 { lines.append(catalog.plural("install.review.skipped", count: skipped, language)) }
        if pending > 0 { lines.append(catalog.plural("install.review.pending", count: pending, language)) }
        lines.append(catalog.plural("install.review.free", count: free, language, ["seats": seats.formatted(.number.locale(Locale(identifier: language.rawValue)))]))
        return lines
    }

    /// The warning when the invitations outnumber the free seats, nil when everyone invited can get one.
    func warning(_ catalog: MessageCatalog, _ language: Language) -> String? {
        shortfall > 0 ? catalog.plural("install.review.shortfall", count: shortfall, language) : nil
    }
}
