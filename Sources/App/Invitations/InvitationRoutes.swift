import Vapor

/// The list of every invitation, of every kind.
func registerInvitationRoutes(_ groups: RouteGroups) {
    groups.admin.get("invitations", use: InvitationsController.list)
    groups.api.get("invitations", use: APIController.invitations)
}
