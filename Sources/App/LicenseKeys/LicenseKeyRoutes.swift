import Vapor

/// License keys and their installations (console: account and license administrators; LicenseAccess checks each key).
func registerLicenseKeyRoutes(_ groups: RouteGroups) {
    let licenseAPI = LicenseAPIController()
    let licenseKey = LicenseKeyController()
    let licenses = LicensesController()
    let console = groups.console.grouped("licenses")
    console.get(use: licenses.list)
    console.post(use: licenses.create)
    let key = console.grouped(":keyID")
    key.get(use: licenseKey.show)
    key.post("reveal", use: licenseKey.reveal)
    key.post("seat-policy", use: licenseKey.setSeatPolicy)
    key.post("offline-activation", use: licenseKey.offlineActivation)
    key.get("installations.csv", use: licenseKey.exportInstallations)
    for action in [InstallationActions.Action.deactivate, .block] {
        key.confirmed("installations", ":installationID", .constant(action.rawValue), section: .licenses,
                      describe: InstallationConfirmations.describe(action), perform: licenseKey.installationAction(action))
    }
    let keys = groups.api.grouped("license-keys")
    keys.get(use: licenseAPI.list)
    keys.post(use: licenseAPI.create)
    keys.post(":keyID", "invitations", use: licenseAPI.invite)
    keys.put(":keyID", "seat-policy", use: licenseAPI.setSeatPolicy)
    keys.get(":keyID", "installations", use: licenseAPI.installations)
    keys.get(":keyID", "installations", "export.csv", use: licenseAPI.exportInstallations)
    keys.post(":keyID", "installations", ":installationID", ":action", use: licenseAPI.installationAction)
}
