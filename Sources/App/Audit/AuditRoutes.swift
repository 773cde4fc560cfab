import Vapor

/// The audit log.
func registerAuditRoutes(_ groups: RouteGroups) {
    let apiController = APIController()
    let audit = AuditController()
    groups.admin.get("audit", use: audit.list)
    groups.admin.get("audit", "export.csv", use: audit.export)
    groups.api.get("audit-events", use: apiController.auditEvents)
    groups.api.get("audit-events", "export.csv", use: apiController.exportAuditEvents)
}
