import Vapor

/// The list of every invitation, of every kind.
func registerInvitationRoutes(_ groups: RouteGroups) {
    let apiController = APIController()
    let invitations = InvitationsController()
    groups.admin.get("invitations", use: invitations.list)
    groups.admin.get("invitations", "export.csv", use: invitations.export)
    groups.admin.get("invitations", ":id", use: InvitationHistoryController().show)
    let bulk = InvitationBulkController()
    groups.admin.confirmed("invitations", "bulk", section: .invitations, describe: bulk.describe, perform: bulk.perform)
    groups.api.post("invitations", "bulk", use: apiController.bulkInvitations)
    let jobs = BulkJobController()
    groups.admin.get("bulk-jobs", ":id", use: jobs.page)
    groups.admin.get("bulk-jobs", ":id", "progress.json", use: jobs.json)
    groups.api.get("bulk-jobs", ":id", use: apiController.bulkJob)
    groups.api.get("invitations", use: apiController.invitations)
    groups.api.get("invitations", "export.csv", use: apiController.exportInvitations)
}
