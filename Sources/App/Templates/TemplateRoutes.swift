import Vapor

/// Editable email templates and their preview.
func registerTemplateRoutes(_ groups: RouteGroups) {
    let templates = TemplatesController()
    groups.admin.get("templates", use: templates.show)
    groups.admin.post("templates", use: templates.submit)
}
