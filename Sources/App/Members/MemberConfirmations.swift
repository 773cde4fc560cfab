import Fluent
import Vapor

/// What the confirmation step says before a member is demoted, blocked or removed, or before someone leaves.
enum MemberConfirmations {
    /// Names the member and what the change does to them; a member not in the organization is the action's own 404.
    static func describe(_ change: MembershipChanges.Change) -> @Sendable (Request, [String: String]) async throws -> Confirmation {
        { req, _ in
            let context = try req.console
            guard let id = req.parameters.get("id", as: UUID.self),
                  let membership = try await Membership.query(on: req.db).filter(\.$id == id)
                    .filter(\.$organization.$id == context.organizationID).filter(\.$status ~~ [.active, .blocked])
                    .with(\.$account).first()
            else { throw Abort(.notFound, reason: "member: not found in this organization") }
            let person = "\(membership.account.name) <\(membership.account.email)>"
            let organization = context.organization.name
            let told = "\(membership.account.name) is told by email at \(membership.account.email), in their language."
            // The list offers the actions on one's own row too: say so before someone locks themselves out.
            let tokens = (membership.id == context.membership.id ? ["This is you: you lose this at once."] : [])
                + (membership.role == .administrator ? ["Their API tokens stop working for good (promoting them again does not bring them back)."] : [])
            switch change {
            case .demote:
                return Confirmation(question: "Demote \(person) to Regular Member?",
                                    consequences: ["They can no longer administer \(organization): members, invitations, mail and settings."] + tokens,
                                    confirmLabel: "Demote \(membership.account.name)", cancelPath: "/console/members")
            case .block:
                return Confirmation(question: "Block \(person)?",
                                    consequences: ["They can no longer open \(organization)'s console; their membership, role and rights are kept.",
                                                   told] + tokens + ["You can unblock them later."],
                                    confirmLabel: "Block \(membership.account.name)", cancelPath: "/console/members")
            case .remove:
                return Confirmation(question: "Remove \(person) from \(organization)?",
                                    consequences: ["Their membership ends at once, with their role and license-administrator rights.",
                                                   told] + tokens + ["To bring them back, invite them again."],
                                    confirmLabel: "Remove \(membership.account.name)", cancelPath: "/console/members")
            case .promote, .unblock, .leave:
                throw Abort(.notFound)
            }
        }
    }

    /// Leaving: the person's own membership; says where they end up.
    @Sendable static func describeLeave(_ req: Request, _: [String: String]) async throws -> Confirmation {
        let context = try req.console
        let organization = context.organization.name
        let others = context.organizations.filter { $0.id != context.organization.id }
        return Confirmation(
            question: "Leave \(organization)?",
            consequences: ["You lose access to \(organization)'s console at once\(context.isAdministrator ? ", and your API tokens for it stop working" : "")."]
                + [others.isEmpty ? "You belong to no other organization, so you are signed out." : "You go on in \(others[0].name)."]
                + ["To come back, an administrator of \(organization) must invite you again."],
            confirmLabel: "Leave \(organization)", cancelPath: "/console")
    }
}
