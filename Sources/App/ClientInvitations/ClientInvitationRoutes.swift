import Vapor

/// The remote-access client wizard, its settings, sending and progress.
func registerClientInvitationRoutes(_ groups: RouteGroups) {
    let admin = groups.admin.grouped("client-invitations")
    admin.get(use: ClientInvitationsController.list)
    let wizard = ClientWizardController()
    admin.post("wizard", "start", use: wizard.start)
    // Not under wizard/mail/: the router would then never reach wizard/:step for POST wizard/mail.
    admin.post("wizard", "test-email", use: wizard.sendTest)
    admin.get("wizard", "preview", use: ClientInvitationsController.preview)
    admin.post("wizard", "send", use: ClientInvitationsController.send)
    admin.get("wizard", ":step", use: wizard.show)
    admin.post("wizard", ":step", use: wizard.submit)
    admin.get("batches", ":id", use: ClientInvitationsController.progress)
    admin.get("settings", use: ClientSettingsController.form)
    admin.post("settings", use: ClientSettingsController.save)
    groups.api.post("client-invitations", use: APIController.createClientInvitations)
}
