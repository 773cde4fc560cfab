import Vapor

/// License keys, install invitations, installations and activation, grouped by who may call them.
func registerLicenseRoutes(app: Application, invitee: any RoutesBuilder, console: any RoutesBuilder, api: any RoutesBuilder) {
    // Console: account administrators and license administrators (LicenseAccess checks each key).
    let licenses = console.grouped("licenses")
    licenses.get(use: LicensesController.list)
    licenses.post(use: LicensesController.create)
    let key = licenses.grouped(":keyID")
    key.get(use: LicenseKeyController.show)
    key.post("reveal", use: LicenseKeyController.reveal)
    key.get("installations.csv", use: LicenseKeyController.exportInstallations)
    key.post("installations", ":installationID", ":action", use: LicenseKeyController.installationAction)
    key.get("invite", use: InstallInvitationsController.form)
    // A CSV of 100,000 addresses is about 3 MB; the default body limit is 10 MB.
    key.post("invite", "review", use: InstallInvitationsController.review)
    key.post("invite", use: InstallInvitationsController.send)
    key.get("batches", ":batchID", "invitations.csv", use: InstallInvitationsController.export)

    // The invitee's download page.
    invitee.get("install", ":token", use: InstallPageController.show)

    // For installed products: no API token, rate-limited.
    let activation = ActivationAPIController()
    let product = app.grouped("api", "v1").grouped(JSONBodyMiddleware(exceptions: [:]))
    product.post("activations", use: activation.activateNow)
    product.get("organizations", ":organizationID", "activation-keys", use: activation.publicKeys)
    product.get("organizations", ":organizationID", "revoked-certificates", use: activation.revokedCertificates)

    // For administrators' scripts (Bearer token).
    let keys = api.grouped("license-keys")
    keys.get(use: LicenseAPIController.list)
    keys.post(use: LicenseAPIController.create)
    keys.post(":keyID", "invitations", use: LicenseAPIController.invite)
    keys.get(":keyID", "installations", use: LicenseAPIController.installations)
    keys.post(":keyID", "installations", ":installationID", ":action", use: LicenseAPIController.installationAction)
}
