import Vapor

/// Single sign-on through the organization's OpenID Connect provider: the flow (browser pages with sessions) and the
/// settings (console and API).
func registerSingleSignOnRoutes(_ groups: RouteGroups) {
    let flow = SingleSignOnController()
    groups.browser.get("sso", "start", ":organization", use: flow.start)
    groups.browser.get("sso", "join", ":token", use: flow.startJoin)
    groups.browser.get("sso", "callback", use: flow.callback)
    let settings = SingleSignOnSettingsController()
    groups.admin.get("sso", use: settings.show)
    groups.recentlyAuthenticated.post("sso", use: settings.save)
    groups.api.get("sso", use: settings.apiShow)
    groups.apiAdministration.put("sso", use: settings.apiSave)
}
