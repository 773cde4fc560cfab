import Vapor

/// The suppression list and the deliverability settings, in the console and the API; an invitation's history in the API.
func registerSuppressionRoutes(_ groups: RouteGroups) {
    let api = APIController()
    let console = SuppressionsController()
    let admin = groups.admin.grouped("suppressions")
    admin.get(use: console.list)
    admin.consoleForm(page: console.list, use: console.add)
    admin.get("export.csv", use: console.export)
    admin.consoleForm("import", page: console.list, use: console.importCSV)
    admin.consoleForm("settings", page: console.list, use: console.saveSettings)
    admin.confirmed(":id", "clear", section: .suppressions, describe: console.describeClear, perform: console.clear)
    groups.api.get("suppressions", use: api.suppressions)
    groups.api.post("suppressions", use: api.addSuppression)
    groups.api.get("suppressions", "export.csv", use: api.exportSuppressions)
    groups.api.post("suppressions", "import", use: api.importSuppressions)
    groups.api.delete("suppressions", ":address", use: api.clearSuppression)
    groups.api.get("deliverability", use: api.deliverabilitySettings)
    groups.api.put("deliverability", use: api.saveDeliverabilitySettings)
    groups.api.get("invitations", ":id", "events", use: api.invitationEvents)
}
