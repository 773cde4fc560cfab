import Vapor

/// The audit log.
func registerAuditRoutes(_ groups: RouteGroups) {
    let apiController = APIController()
    let audit = AuditController()
    groups.admin.get("audit", use: audit.list)
    groups.api.get("audit-events", use: apiController.auditEvents)
}
