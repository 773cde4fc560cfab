import Vapor

/// First-run setup, sign-in and sign-out, and switching the console's organization.
func registerAuthRoutes(_ groups: RouteGroups) {
    let setup = SetupController()
    groups.browser.get("setup", ":token", use: setup.form)
    groups.browser.post("setup", ":token", use: setup.create)
    let session = SessionController()
    groups.browser.get("signin", use: session.form)
    groups.browser.post("signin", use: session.signIn)
    groups.browser.post("signout", use: session.signOut)
    groups.console.post("organization", use: session.switchOrganization)
}
