import Fluent
import HeraldCore
import MIME
import Vapor

/// Invites the people who joined a directory group with an auto-invite rule since it was turned on: after an LDAP
/// sync and after SCIM changes a group. Each person is invited once per group and kind (`DirectoryAutoInvitation`):
/// leaving and rejoining the group, or a revoked invitation, does not invite them again.
struct DirectoryAutoInvites {
    let services: HeraldServices

    /// Invitations sent, by kind.
    struct Summary: Sendable, Equatable {
        var join = 0
        var install = 0
    }

    /// Never throws for one rule's failure (a full mail quota, a deleted key): that rule's people stay unhandled and
    /// the next sync tries them again, and the other rules still run.
    @discardableResult
    func run(organizationID: UUID, actor: AuditActor, on db: any Database) async throws -> Summary {
        let rules = try await DirectoryGroupAutoInvite.query(on: db)
            .join(DirectoryGroup.self, on: \DirectoryGroupAutoInvite.$group.$id == \DirectoryGroup.$id)
            .filter(DirectoryGroup.self, \.$organization.$id == organizationID).all()
        // The common case, checked with one query: SCIM calls this on every group change.
        guard !rules.isEmpty, let organization = try await Organization.find(organizationID, on: db) else { return Summary() }
        let users = try await DirectoryStore.users(of: organizationID, on: db)
        let graph = try await DirectoryStore.graph(of: organizationID, users: users, on: db)
        let emails = Dictionary(uniqueKeysWithValues: try users.map { (try $0.requireID(), $0.email) })
        var summary = Summary()
        for rule in rules {
            let group = try rule.joined(DirectoryGroup.self)
            let groupID = rule.$group.id
            let handled = Set(try await DirectoryAutoInvitation.query(on: db).filter(\.$groupID == groupID)
                .filter(\.$kind == rule.kind).all().map(\.userID))
            let fresh = graph.recipients(users: [], groups: [groupID]).filter { !handled.contains($0) }
            guard !fresh.isEmpty else { continue }
            let claimed = try await claim(fresh, groupID: groupID, kind: rule.kind, on: db)
            let addresses = claimed.compactMap { emails[$0].flatMap { try? EmailAddress($0) } }
            guard !addresses.isEmpty else { continue }
            do {
                let sent = try await invite(addresses, rule: rule, group: group, organization: organization, actor: actor, on: db)
                switch rule.kind {
                case .join: summary.join += sent
                case .install: summary.install += sent
                }
            } catch {
                services.logger.warning("directory auto-invite failed", metadata: [
                    "organization": "\(organizationID)", "group": "\(groupID)", "kind": "\(rule.kind.rawValue)", "error": "\(String(reflecting: error))",
                ])
                try await DirectoryAutoInvitation.query(on: db).filter(\.$groupID == groupID).filter(\.$kind == rule.kind)
                    .filter(\.$userID ~~ claimed).delete()
            }
        }
        return summary
    }

    /// Marks the people as handled, one row each, and returns those this call marked: when a sync and a SCIM request
    /// run at once, the unique index gives each person to one of them.
    private func claim(_ people: [UUID], groupID: UUID, kind: DirectoryGroupAutoInvite.Kind, on db: any Database) async throws -> [UUID] {
        var claimed: [UUID] = []
        for person in people {
            do {
                try await DirectoryAutoInvitation(groupID: groupID, kind: kind, userID: person).create(on: db)
                claimed.append(person)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                continue
            }
        }
        return claimed
    }

    /// The invitations of one rule, with the per-address rules of the manual forms (members and pending
    /// invitations skipped); returns how many were sent.
    private func invite(_ addresses: [EmailAddress], rule: DirectoryGroupAutoInvite, group: DirectoryGroup, organization: Organization,
                        actor: AuditActor, on db: any Database) async throws -> Int {
        switch rule.kind {
        case .join:
            var request = JoinInvitations.Request(recipients: RecipientList(recipients: addresses.enumerated().map { ($0.offset + 1, $0.element) }))
            request.groupOrigins = Dictionary(addresses.map { ($0.normalized, group.name) }, uniquingKeysWith: { first, _ in first })
            let results = try await JoinInvitations(mailer: services.mailer, configuration: services.configuration, linkBox: services.secretBox)
                .invite(request, organization: organization, inviter: nil, actor: actor, on: db)
            return results.filter { $0.outcome == .invited }.count
        case .install:
            guard let keyID = rule.$licenseKey.id else { return 0 }
            let expiresAt = Date().addingTimeInterval(TimeInterval(InvitationExpiry.defaultDays) * 86_400)
            do {
                let result = try await InstallInvitationBatch.send(
                    .init(keyID: keyID, recipients: addresses, language: .en, expiresAt: expiresAt, inviterID: nil, actor: actor),
                    mailer: services.mailer, secrets: services.installInvitationSecrets, turns: services.installInvitationTurns, on: db)
                services.mailer.wakeDelivery()
                return result.count
            } catch let problems as ValidationProblems where problems.status == .conflict {
                return 0 // everyone has a pending invitation of this key already
            }
        }
    }
}
