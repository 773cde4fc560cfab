import Vapor

/// Mail settings, the test email and the outbox.
func registerMailRoutes(_ groups: RouteGroups) {
    let apiController = APIController()
    let mail = MailSettingsController()
    let outbox = OutboxController()
    groups.admin.get("mail", use: mail.form)
    groups.admin.get("mail", "outbox", use: outbox.list)
    groups.admin.get("mail", "outbox", "export.csv", use: outbox.export)
    groups.recentlyAuthenticated.post("mail", use: mail.save)
    groups.admin.consoleForm("mail", "test", page: mail.form) { req in try await mail.sendTest(req).encodeResponse(for: req) }
    groups.api.get("mail-settings", use: apiController.mailSettings)
    groups.apiAdministration.put("mail-settings", use: apiController.updateMailSettings)
    groups.api.post("mail-settings", "test", use: apiController.sendTestEmail)
    groups.api.get("outbox", use: apiController.outbox)
    groups.api.get("outbox", "export.csv", use: apiController.exportOutbox)

    let bounces = BounceSettingsController()
    groups.admin.get("mail", "bounces", use: bounces.page)
    groups.recentlyAuthenticated.post("mail", "bounces", use: bounces.save)
    groups.admin.consoleForm("mail", "bounces", "poll", page: bounces.page, use: bounces.pollNow)
    groups.api.get("bounce-settings", use: apiController.bounceSettings)
    groups.apiAdministration.put("bounce-settings", use: apiController.updateBounceSettings)

    let dkim = DKIMController()
    groups.admin.get("mail", "dkim", use: dkim.page)
    groups.admin.consoleForm("mail", "dkim", page: dkim.page, use: dkim.generate)
    groups.admin.consoleForm("mail", "dkim", ":id", "activate", page: dkim.page, use: dkim.activate)
    groups.admin.consoleForm("mail", "dkim", ":id", "retire", page: dkim.page, use: dkim.retire)
    groups.admin.consoleForm("mail", "dkim", ":id", "check", page: dkim.page) { req in try await dkim.check(req).encodeResponse(for: req) }
    groups.api.get("dkim-keys", use: apiController.dkimKeys)
    groups.apiAdministration.post("dkim-keys", use: apiController.createDKIMKey)
    groups.apiAdministration.post("dkim-keys", ":id", "activate", use: apiController.activateDKIMKey)
    groups.apiAdministration.post("dkim-keys", ":id", "retire", use: apiController.retireDKIMKey)
    groups.api.get("dkim-keys", ":id", "dns-check", use: apiController.checkDKIMKey)
}
