import Vapor

/// The remote-access client wizard, its settings, sending and progress.
func registerClientInvitationRoutes(_ groups: RouteGroups) {
    let apiController = APIController()
    let clientInvitations = ClientInvitationsController()
    let clientSettings = ClientSettingsController()
    let admin = groups.admin.grouped("client-invitations")
    admin.get(use: clientInvitations.list)
    let wizard = ClientWizardController()
    admin.post("wizard", "start", use: wizard.start)
    // Not under wizard/mail/: the router would then never reach wizard/:step for POST wizard/mail.
    admin.post("wizard", "test-email", use: wizard.sendTest)
    admin.get("wizard", "preview", use: clientInvitations.preview)
    admin.post("wizard", "send", use: clientInvitations.send)
    admin.get("wizard", ":step", use: wizard.show)
    admin.post("wizard", ":step", use: wizard.submit)
    admin.get("batches", ":id", use: clientInvitations.progress)
    admin.get("settings", use: clientSettings.form)
    admin.post("settings", use: clientSettings.save)
    groups.api.post("client-invitations", use: apiController.createClientInvitations)
    groups.invitee.get("client-downloads", ":organizationID", ":device", use: ClientDownloadPage().show)
}
