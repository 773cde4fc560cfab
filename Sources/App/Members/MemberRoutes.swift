import Vapor

/// Members: roles, block and remove, license administrators; leaving an organization.
func registerMemberRoutes(_ groups: RouteGroups) {
    let apiController = APIController()
    let members = MembersController()
    groups.console.post("leave", use: members.leave)
    groups.admin.get("members", use: members.list)
    for change in [MembershipChanges.Change.promote, .demote, .block, .unblock, .remove] {
        groups.admin.post("members", ":id", .constant(change.rawValue), use: members.change(change))
        groups.api.post("members", ":id", .constant(change.rawValue), use: apiController.changeMember(change))
    }
    groups.admin.post("members", ":id", "license-keys", use: members.grant)
    groups.api.get("members", use: apiController.members)
    groups.api.put("members", ":id", "license-keys", use: apiController.grantLicenseKeys)
}
