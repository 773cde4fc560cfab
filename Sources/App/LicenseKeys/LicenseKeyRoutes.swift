import Vapor

/// License keys and their installations (console: account and license administrators; LicenseAccess checks each key).
func registerLicenseKeyRoutes(_ groups: RouteGroups) {
    let licenses = groups.console.grouped("licenses")
    licenses.get(use: LicensesController.list)
    licenses.post(use: LicensesController.create)
    let key = licenses.grouped(":keyID")
    key.get(use: LicenseKeyController.show)
    key.post("reveal", use: LicenseKeyController.reveal)
    key.get("installations.csv", use: LicenseKeyController.exportInstallations)
    key.post("installations", ":installationID", ":action", use: LicenseKeyController.installationAction)
    let keys = groups.api.grouped("license-keys")
    keys.get(use: LicenseAPIController.list)
    keys.post(use: LicenseAPIController.create)
    keys.post(":keyID", "invitations", use: LicenseAPIController.invite)
    keys.get(":keyID", "installations", use: LicenseAPIController.installations)
    keys.post(":keyID", "installations", ":installationID", ":action", use: LicenseAPIController.installationAction)
}
