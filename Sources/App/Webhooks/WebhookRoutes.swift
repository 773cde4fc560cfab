import Vapor

/// Webhooks in the API (the console's pages are in `WebhooksController`). Where events go and how they are signed
/// are sensitive: `administration` tokens only, as the console asks for a recent password.
func registerWebhookRoutes(_ groups: RouteGroups) {
    let api = APIController()
    groups.api.get("webhooks", "event-types", use: api.webhookEventTypes)
    groups.api.get("webhooks", "endpoints", use: api.webhookEndpointList)
    groups.apiAdministration.post("webhooks", "endpoints", use: api.createWebhookEndpoint)
    groups.api.get("webhooks", "endpoints", ":id", use: api.webhookEndpoint)
    groups.apiAdministration.patch("webhooks", "endpoints", ":id", use: api.updateWebhookEndpoint)
    groups.apiAdministration.delete("webhooks", "endpoints", ":id", use: api.deleteWebhookEndpoint)
    groups.apiAdministration.post("webhooks", "endpoints", ":id", "rotate-secret", use: api.rotateWebhookSecret)
    groups.api.post("webhooks", "endpoints", ":id", "test", use: api.sendWebhookTest)
    groups.api.get("webhooks", "endpoints", ":id", "deliveries", use: api.webhookDeliveries)
    groups.api.post("webhooks", "endpoints", ":id", "deliveries", ":deliveryID", "redeliver", use: api.redeliverWebhook)
    let console = WebhooksController()
    groups.admin.get("webhooks", use: console.list)
    groups.recentlyAuthenticated.consoleForm("webhooks", page: console.list, use: console.create)
    groups.admin.post("webhooks", ":id", "test", use: console.sendTest)
    groups.recentlyAuthenticated.post("webhooks", ":id", "rotate-secret", use: console.rotate)
    groups.admin.post("webhooks", ":id", "toggle", use: console.toggle)
    groups.admin.get("webhooks", ":id", "edit", use: console.edit)
    // Not `recentlyAuthenticated` as a whole: only a new URL needs the proof (`saveEdit`).
    groups.admin.post("webhooks", ":id", "edit", use: console.saveEdit)
    groups.admin.confirmed("webhooks", ":id", "delete", section: .webhooks, describe: console.describeDelete, perform: console.delete)
    groups.admin.get("webhooks", ":id", use: console.log)
    groups.admin.post("webhooks", ":id", "deliveries", ":deliveryID", "redeliver", use: console.redeliver)
}
