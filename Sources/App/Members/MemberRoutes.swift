import Vapor

/// Members: roles, block and remove, license administrators; leaving an organization.
func registerMemberRoutes(_ groups: RouteGroups) {
    groups.console.post("leave", use: MembersController.leave)
    groups.admin.get("members", use: MembersController.list)
    for change in [MembershipChanges.Change.promote, .demote, .block, .unblock, .remove] {
        groups.admin.post("members", ":id", .constant(change.rawValue), use: MembersController.change(change))
        groups.api.post("members", ":id", .constant(change.rawValue), use: APIController.changeMember(change))
    }
    groups.admin.post("members", ":id", "license-keys", use: MembersController.grant)
    groups.api.get("members", use: APIController.members)
    groups.api.put("members", ":id", "license-keys", use: APIController.grantLicenseKeys)
}
