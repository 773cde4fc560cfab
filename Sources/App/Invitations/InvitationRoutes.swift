import Vapor

/// The list of every invitation, of every kind.
func registerInvitationRoutes(_ groups: RouteGroups) {
    let apiController = APIController()
    let invitations = InvitationsController()
    groups.admin.get("invitations", use: invitations.list)
    groups.api.get("invitations", use: apiController.invitations)
}
