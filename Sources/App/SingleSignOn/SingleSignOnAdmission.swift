import Fluent
import Foundation
import HeraldCore
import Vapor

/// Who a verified identity may enter as: an existing active member of the organization; or, with just-in-time
/// membership on, a person without a membership whose address is in an allowed domain, who becomes a Regular Member.
/// Blocked, removed and departed members stay out (an administrator, or an invitation, brings them back).
enum SingleSignOnAdmission {
    static func admit(_ identity: VerifiedIdentity, settings: SingleSignOnSettings, on db: any Database) async throws -> Account {
        let organizationID = settings.$organization.id
        let domainAllowed = (try? EmailDomainList(parsing: settings.allowedDomains))?.allows(email: identity.email) ?? false
        let existing = try await Account.find(email: identity.email, on: db)
        if let existing {
            let membership = try await Membership.query(on: db).filter(\.$organization.$id == organizationID)
                .filter(\.$account.$id == existing.requireID()).first()
            switch membership?.status {
            case .active?: return existing
            case .blocked?: throw SingleSignOnFailure.blocked
            case .removed?, .left?: throw SingleSignOnFailure.notAMember(email: identity.email, domainAllowed: true)
            case nil: break
            }
        }
        guard settings.justInTime, domainAllowed else {
            throw SingleSignOnFailure.notAMember(email: identity.email, domainAllowed: domainAllowed || !settings.justInTime)
        }
        do {
            return try await db.transaction { db in
                let account = if let existing { existing } else { try await newAccount(identity, on: db) }
                let membership = Membership(organizationID: organizationID, accountID: try account.requireID(), role: .member)
                try await membership.create(on: db)
                let actor = AuditActor.account(id: try account.requireID(), email: account.email)
                try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .singleSignOnMemberJoined,
                                          targetType: "account", targetID: account.id, targetLabel: account.email,
                                          details: "role: \(MembershipRole.member.title), through \(settings.providerName)")
                let listeners = try await WebhookEvents.listeners(organizationID: organizationID, on: db)
                try await listeners.emit(.memberJoined, on: db) { WebhookPayload.Member(membership, account: account) }
                return account
            }
        } catch where UniqueViolation.table(of: error) != nil {
            // The same person's first sign-in in two tabs at once: the other one made the account and membership.
            guard let account = try await Account.find(email: identity.email, on: db) else { throw error }
            return account
        }
    }

    /// An account for a person who signs in only through an identity provider. Its password hash is the bcrypt of a
    /// random string nobody knows (`PasswordCheck.dummyHash`): no password opens it, and a wrong one takes as long as
    /// for any other account. The CLI's break-glass (`herald sso allow-passwords`) does not change that; such a
    /// person sets a password through a join invitation or stays with the provider.
    static func newAccount(_ identity: VerifiedIdentity, on db: any Database) async throws -> Account {
        let account = Account(email: identity.email, name: displayName(identity), passwordHash: PasswordCheck.dummyHash)
        try await account.create(on: db)
        return account
    }

    /// The provider's `name` when it is one line of at most 200 characters; the address's local part otherwise.
    static func displayName(_ identity: VerifiedIdentity) -> String {
        if let name = identity.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name.count <= 200,
           SafeText.problem(name, .oneLine) == nil {
            return name
        }
        return String(identity.email.split(separator: "@").first ?? "")
    }
}
