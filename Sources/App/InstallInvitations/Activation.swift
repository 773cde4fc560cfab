import Fluent
import Foundation
import HeraldCore
import MIME

/// Turns an activation code and a machine description into an installation holding one seat.
///
/// Checks, in order: the code exists; the same machine already holds the seat (idempotent success); the computer
/// not blocked; the code unused, or used by this same machine before an administrator deactivated it; its
/// invitation not revoked and not expired; the key not expired; a seat free. Everything after the lookup runs under `SeatLock`, so seats go first come, first served and are never
/// overused however many requests arrive at once.
struct Activation: Sendable {
    /// The code lookup.
    let reads: HotReads
    let signers: ActivationSigners
    let seatLock: SeatLock
    /// The certificates' issuer.
    let publicURL: URL
    /// When codes and keys expire: the services' clock, which tests move.
    let clock: any WallClock
    /// The secret each installation checks in with, answered with its certificate.
    let installationKeys: InstallationKeys

    enum Outcome {
        case activated(ActivatedInstallation, LicenseKeyTerms)
        /// The same fingerprint re-activated with the same code: nothing changed.
        case alreadyActive(ActivatedInstallation, LicenseKeyTerms)

        var installation: ActivatedInstallation {
            switch self { case .activated(let i, _), .alreadyActive(let i, _): i }
        }
        var key: LicenseKeyTerms {
            switch self { case .activated(_, let k), .alreadyActive(_, let k): k }
        }
    }

    /// A new installation's certificate is signed under the lock and kept with it (`ActivationCertificates`);
    /// `boundKey`, for an offline request, is the thumbprint of the machine's key that a new certificate names.
    func activate(code input: String, machine: MachineDescription, boundKey: String? = nil,
                  on db: @autoclosure () -> any Database) async throws -> Outcome {
        guard let found = try await ActivationLookup.find(codeHash: ActivationCode.hash(input), reads: reads, on: db()) else {
            throw ActivationError.unknownCode
        }
        if let again = found.reactivation(of: machine) { return again }
        let now = clock.now
        let codeID = found.codeID
        let database = db()
        // Outside the seat transaction: a signing key created inside it and rolled back would stay cached.
        let signer = try await signers.signer(organizationID: found.key.organizationID, on: database)
        do {
            return try await activateLocked(found: found, codeID: codeID, machine: machine, boundKey: boundKey, signer: signer, now: now, on: database)
        } catch ActivationError.noFreeSeat(let seats) {
            // The refusal rolled back the seat transaction; the event is queued in one of its own.
            let keyID = found.key.id
            try? await database.transaction { db in
                try await WebhookEvents.emit(.activationRefused, organizationID: found.key.organizationID, on: db, now: now) {
                    WebhookPayload.ActivationRefused(licenseKeyId: keyID, reason: "seats_exhausted", seats: seats)
                }
            }
            throw ActivationError.noFreeSeat(seats: seats)
        }
    }

    private func activateLocked(found: ActivationLookup, codeID: UUID, machine: MachineDescription, boundKey: String?,
                                signer: ActivationSigner, now: Date, on database: any Database) async throws -> Outcome {
        try await seatLock.withKeyLocked(found.key.id, on: database) { db in
            // Read again under the lock: another request may have used the code meanwhile.
            guard let code = try await ActivationCodeRecord.find(codeID, on: db),
                  let key = try await LicenseKey.find(code.$licenseKey.id, on: db),
                  let invitation = try await Invitation.find(code.$invitation.id, on: db)
            else { throw ActivationError.unknownCode }

            let keyID = try key.requireID()
            // Before the code's own state: a blocked computer is told it was blocked, not that its code was used.
            if try await BlockedComputer.query(on: db).filter(\.$licenseKey.$id == keyID)
                .filter(\.$fingerprint == machine.fingerprint).count() > 0 {
                throw ActivationError.computerBlocked
            }
            if code.status == .used {
                switch try await PreviousUse.of(codeID: codeID, by: machine, on: db) {
                case .activeHere(let existing): return .alreadyActive(try ActivatedInstallation(existing), try LicenseKeyTerms(key))
                case .deactivatedHere: break // may take a seat again, first come first served, like any activation
                case .lapsedHere(let lapsed):
                    if let expiry = key.expiresAt, now >= expiry { throw ActivationError.keyExpired(expiry) }
                    // The same installation and certificate, if a seat is free (`InstallationCheckIn.resume`).
                    _ = try await InstallationCheckIn.resume(lapsed, key: key, now: InstallationCheckIn.wholeSeconds(now), on: db)
                    return .activated(try ActivatedInstallation(lapsed), try LicenseKeyTerms(key))
                case .elsewhere: throw ActivationError.codeUsed
                }
            }
            if invitation.status == .revoked { throw ActivationError.invitationRevoked }
            if now >= code.expiresAt { throw ActivationError.codeExpired(code.expiresAt) }
            if let expiry = key.expiresAt, now >= expiry { throw ActivationError.keyExpired(expiry) }
            let used = try await Installation.query(on: db).filter(\.$licenseKey.$id == keyID)
                .filter(\.$status == .active).count()
            guard key.seatPolicy.canActivate(seats: key.seats, used: used) else { throw ActivationError.noFreeSeat(seats: key.seats) }

            let installation = Installation()
            installation.id = UUID()
            installation.$licenseKey.id = keyID
            installation.$activationCode.id = codeID
            installation.$invitation.id = invitation.id
            installation.fingerprint = machine.fingerprint
            installation.computerName = machine.computerName
            installation.operatingSystem = machine.operatingSystem
            installation.serialNumber = machine.serialNumber
            installation.macAddress = machine.macAddress
            installation.status = .active
            installation.excess = key.seatPolicy.isExcess(seatNumber: used + 1, seats: key.seats)
            installation.certificateSerial = RandomHex.make128()
            installation.activatedAt = InstallationCheckIn.wholeSeconds(now)
            installation.lastSeenAt = installation.activatedAt
            try ActivationCertificates.keep(signer: signer, for: installation, key: key, publicURL: publicURL, boundKey: boundKey)
            try await installation.create(on: db)

            // Counted among the key's pending invitations until now (`PendingInstallInvitations`); not so when a
            // computer that deactivated comes back with its used code.
            let invitationWasPending = invitation.status == .pending && invitation.expiresAt > now
            code.status = .used
            code.usedAt = now
            try await code.save(on: db)
            invitation.status = .accepted
            invitation.acceptedAt = now
            try await invitation.save(on: db)
            try await InvitationHistory.record(.activated, invitationID: try invitation.requireID(), organizationID: key.$organization.id,
                                               detail: installation.computerName, on: db, at: now)
            if invitationWasPending { SeatChange.current?.tookSeatForPendingInvitation() }
            try await AuditLog.record(
                on: db, installation: installation, key: key, action: .installationActivated,
                details: "key \(key.name), invitation to \(invitation.email), seat \(used + 1) of \(key.seats)"
                    + (installation.excess ? " (excess, within the \(key.overagePercent) % overage)" : "")
            )
            try await WebhookEvents.emit(.activationSucceeded, organizationID: key.$organization.id, on: db, now: now) {
                WebhookPayload.Installation(installationId: installation.id, licenseKeyId: keyID, status: "active",
                                            seatsUsed: used + 1, seats: key.seats)
            }
            return .activated(try ActivatedInstallation(installation), try LicenseKeyTerms(key))
        }
    }
}

/// Who used a code before: the one question a used code leaves open.
enum PreviousUse {
    /// This machine holds the code's seat now.
    case activeHere(Installation)
    /// This machine held it until an administrator deactivated it.
    case deactivatedHere
    /// This machine held it until its lease lapsed.
    case lapsedHere(Installation)
    /// Another machine holds it, or held it last.
    case elsewhere

    static func of(codeID: UUID, by machine: MachineDescription, on db: any Database) async throws -> PreviousUse {
        // A handful of rows at most: one per time the code was deactivated and used again.
        let uses = try await Installation.query(on: db).filter(\.$activationCode.$id == codeID).all()
        let latest = uses.first { $0.status == .active } ?? uses.first { $0.status == .lapsed }
            ?? uses.max { ($0.deactivatedAt ?? $0.activatedAt) < ($1.deactivatedAt ?? $1.activatedAt) }
        guard let last = latest, last.fingerprint == machine.fingerprint else { return .elsewhere }
        switch last.status {
        case .active: return .activeHere(last)
        case .deactivated: return .deactivatedHere
        case .lapsed: return .lapsedHere(last)
        case .blocked: return .elsewhere // not reached: a blocked computer is refused before
        }
    }
}
