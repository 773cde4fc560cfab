import Fluent
import Foundation
import HeraldCore
import SQLKit
import Vapor

/// TOTP credentials and recovery codes of local accounts: checking a code, enrolling, turning off and resetting.
/// Every change is audited in each organization the person is an active member of (their administrators answer
/// for the accounts that enter their console).
struct TwoFactor {
    let box: SecretBox
    let clock: any WallClock

    enum Outcome: Equatable {
        case authenticatorCode
        case recoveryCode(remaining: Int)
        case wrong
    }

    static func credential(of accountID: UUID, on db: any Database) async throws -> TwoFactorCredential? {
        try await TwoFactorCredential.query(on: db).filter(\.$account.$id == accountID).first()
    }

    static func isEnabled(for accountID: UUID, on db: any Database) async throws -> Bool {
        try await credential(of: accountID, on: db) != nil
    }

    static func remainingRecoveryCodes(of accountID: UUID, on db: any Database) async throws -> Int {
        try await RecoveryCode.query(on: db).filter(\.$account.$id == accountID).filter(\.$usedAt == nil).count()
    }

    /// Checks a six-digit code against the account's authenticator, or a recovery code against its unused ones;
    /// either is spent by a conditional UPDATE, so two requests racing with the same code cannot both succeed.
    func check(_ code: String, account: Account, actor: AuditActor, on db: any Database) async throws -> Outcome {
        let accountID = try account.requireID()
        guard let credential = try await Self.credential(of: accountID, on: db) else { return .wrong }
        if RecoveryCodes.looksLikeRecoveryCode(code) {
            return try await spendRecoveryCode(code, account: account, actor: actor, on: db)
        }
        let secret = try box.open(credential.secretCiphertext)
        guard let bytes = Base32.decode(secret),
              let step = TOTP(secret: bytes).acceptedStep(for: code, at: clock.now, after: credential.lastUsedStep)
        else { return .wrong }
        let spent = try await db.sql.raw("""
            UPDATE two_factor_credentials SET last_used_step = \(bind: step)
            WHERE account_id = \(bind: accountID) AND (last_used_step IS NULL OR last_used_step < \(bind: step))
            RETURNING id
            """).all()
        return spent.isEmpty ? .wrong : .authenticatorCode
    }

    private func spendRecoveryCode(_ code: String, account: Account, actor: AuditActor, on db: any Database) async throws -> Outcome {
        let accountID = try account.requireID()
        let spent = try await db.sql.raw("""
            UPDATE two_factor_recovery_codes SET used_at = \(bind: clock.now)
            WHERE account_id = \(bind: accountID) AND code_hash = \(bind: RecoveryCodes.hash(code)) AND used_at IS NULL
            RETURNING id
            """).all()
        guard !spent.isEmpty else { return .wrong }
        let remaining = try await Self.remainingRecoveryCodes(of: accountID, on: db)
        try await Self.audit(.twoFactorRecoveryCodeUsed, account: account, actor: actor, details: "recovery codes left: \(remaining)", on: db)
        return .recoveryCode(remaining: remaining)
    }

    /// Turns two-factor sign-in on with `secret` (base32, confirmed by a code of step `confirmedStep`); returns the
    /// recovery codes to show once. 409 when it is already on (two tabs confirming at once).
    func enable(account: Account, secret: String, confirmedStep: Int64, actor: AuditActor, on db: any Database) async throws -> [String] {
        let accountID = try account.requireID()
        let codes = RecoveryCodes.generate()
        let sealed = try box.seal(secret)
        try await db.transaction { db in
            if try await Self.credential(of: accountID, on: db) != nil {
                throw Abort(.conflict, reason: "Two-factor sign-in is already on for this account.")
            }
            do {
                try await TwoFactorCredential(accountID: accountID, secretCiphertext: sealed, lastUsedStep: confirmedStep).create(on: db)
            } catch where UniqueViolation.table(of: error) != nil {
                throw Abort(.conflict, reason: "Two-factor sign-in is already on for this account.")
            }
            try await RecoveryCode.query(on: db).filter(\.$account.$id == accountID).delete()
            for code in codes { try await RecoveryCode(accountID: accountID, codeHash: RecoveryCodes.hash(code)).create(on: db) }
            try await Self.audit(.twoFactorEnabled, account: account, actor: actor, details: nil, on: db)
        }
        return codes
    }

    /// Removes the credential and the recovery codes: `disabled` by the person, `reset` by the operator.
    static func remove(account: Account, action: AuditAction, actor: AuditActor, on db: any Database) async throws -> Bool {
        let accountID = try account.requireID()
        return try await db.transaction { db in
            guard let credential = try await credential(of: accountID, on: db) else { return false }
            try await credential.delete(on: db)
            try await RecoveryCode.query(on: db).filter(\.$account.$id == accountID).delete()
            try await audit(action, account: account, actor: actor, details: nil, on: db)
            return true
        }
    }

    static func audit(_ action: AuditAction, account: Account, actor: AuditActor, details: String?, on db: any Database) async throws {
        let accountID = try account.requireID()
        let organizations = try await Membership.query(on: db).filter(\.$account.$id == accountID).filter(\.$status == .active)
            .all(\.$organization.$id)
        for organizationID in organizations.isEmpty ? [nil] : organizations.map(Optional.some) {
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: action,
                                      targetType: "account", targetID: accountID, targetLabel: account.email, details: details)
        }
    }
}

extension Request {
    var twoFactor: TwoFactor { TwoFactor(box: herald.secretBox, clock: herald.clock) }
}
