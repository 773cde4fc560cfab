import Vapor

/// Join invitations: the page behind the link, and inviting, resending and revoking.
func registerJoinInvitationRoutes(_ groups: RouteGroups) {
    let apiController = APIController()
    let join = JoinController()
    groups.invitee.get("join", ":token", use: join.showNow)
    groups.invitee.post("join", ":token", use: join.join)
    groups.console.get("welcome", use: WelcomeController().show)
    let invitations = JoinInvitationsController()
    groups.admin.on(.POST, "invitations", "join", body: .collect(maxSize: "10mb"), use: invitations.create)
    groups.admin.consoleForm("invitations", ":id", "resend", page: InvitationsController().list, use: invitations.resend)
    groups.admin.confirmed("invitations", ":id", "revoke", section: .invitations,
                           describe: InvitationConfirmations.describeRevoke, perform: invitations.revoke)
    groups.api.post("invitations", "join", use: apiController.inviteToJoin)
    groups.api.post("invitations", ":id", "resend", use: apiController.resendInvitation)
    groups.api.post("invitations", ":id", "revoke", use: apiController.revokeInvitation)
}
