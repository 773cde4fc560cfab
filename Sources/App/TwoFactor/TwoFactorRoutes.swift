import Vapor

/// Two-factor sign-in (the second sign-in step, the console page) and re-authentication before sensitive changes.
func registerTwoFactorRoutes(_ groups: RouteGroups) {
    let step = SecondStepController()
    groups.browser.get("signin", "code", use: step.form)
    groups.browser.post("signin", "code", use: step.verify)
    let twoFactor = TwoFactorController()
    groups.console.get("two-factor", use: twoFactor.page)
    groups.console.post("two-factor", "enable", use: twoFactor.enable)
    groups.console.post("two-factor", "disable", use: twoFactor.disable)
    groups.recentlyAuthenticated.post("two-factor", "requirement", use: twoFactor.setRequirement)
    groups.console.post("reauthenticate", use: ReauthenticationController().confirm)
}
