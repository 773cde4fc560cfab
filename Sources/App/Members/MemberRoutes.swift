import Vapor

/// Members: roles, block and remove, license administrators; leaving an organization.
func registerMemberRoutes(_ groups: RouteGroups) {
    let apiController = APIController()
    let members = MembersController()
    groups.console.confirmed("leave", section: .dashboard, describe: MemberConfirmations.describeLeave, perform: members.leave)
    groups.admin.get("members", use: members.list)
    groups.admin.get("members", "export.csv", use: members.export)
    // Making someone an administrator hands them the organization: it needs a recent proof of who is asking.
    groups.recentlyAuthenticated.consoleForm("members", ":id", .constant("promote"), page: members.list, use: members.change(.promote))
    groups.admin.consoleForm("members", ":id", .constant("unblock"), page: members.list, use: members.change(.unblock))
    // Taking something away from a person goes through the confirmation step in the console (the API acts at once).
    for change in [MembershipChanges.Change.demote, .block, .remove] {
        groups.admin.confirmed("members", ":id", .constant(change.rawValue), section: .members,
                               describe: MemberConfirmations.describe(change), perform: members.change(change))
    }
    groups.apiAdministration.post("members", ":id", .constant("promote"), use: apiController.changeMember(.promote))
    for change in [MembershipChanges.Change.demote, .block, .unblock, .remove] {
        groups.api.post("members", ":id", .constant(change.rawValue), use: apiController.changeMember(change))
    }
    groups.admin.consoleForm("members", ":id", "license-keys", page: members.list, use: members.grant)
    groups.api.get("members", use: apiController.members)
    groups.api.get("members", "export.csv", use: apiController.exportMembers)
    groups.api.put("members", ":id", "license-keys", use: apiController.grantLicenseKeys)
}
