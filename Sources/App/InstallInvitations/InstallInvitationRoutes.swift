import Vapor

/// Install invitations (console), the invitee's download page, and activation for installed products.
func registerInstallInvitationRoutes(_ groups: RouteGroups) {
    let installInvitations = InstallInvitationsController()
    let installPage = InstallPageController()
    let key = groups.console.grouped("licenses", ":keyID")
    key.get("invite", use: installInvitations.form)
    // A CSV of 100,000 addresses is about 3 MB; the default body limit is 10 MB.
    key.post("invite", "review", use: installInvitations.review)
    key.post("invite", use: installInvitations.send)
    key.get("batches", ":batchID", "invitations.csv", use: installInvitations.export)

    groups.invitee.get("install", ":token", use: installPage.show)
    groups.invitee.post("install", ":token", use: installPage.offline)

    // For installed products: no API token, rate-limited.
    let activation = ActivationAPIController(activation: groups.services.activation, limits: groups.services.activationLimits)
    let product = groups.app.grouped("api", "v1").grouped(JSONBodyMiddleware(exceptions: [:]))
    product.post("activations", use: activation.activateNow)
    let offline = OfflineActivationController(offline: OfflineActivation(activation: groups.services.activation), online: activation)
    product.post("activations", "offline", use: offline.answer)
    product.get("organizations", ":organizationID", "activation-keys", use: activation.publicKeys)
    product.get("organizations", ":organizationID", "revoked-certificates", use: activation.revokedCertificates)
    let checkIn = InstallationCheckInController(
        checkIn: groups.services.checkIn, keys: groups.services.activation.installationKeys, limits: groups.services.activationLimits,
        catalog: groups.services.catalog
    )
    product.post("installations", ":installationID", "heartbeat", use: checkIn.heartbeat)
    product.post("installations", ":installationID", "deactivate", use: checkIn.deactivate)
}
