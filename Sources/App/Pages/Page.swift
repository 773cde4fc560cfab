import Vapor

/// What every console page's layout needs, around the page's own view model in `content`.
struct Page<Content: Encodable>: Encodable {
    struct NavItem: Encodable {
        let path: String
        let label: String
        let active: Bool
    }

    struct OrganizationChoice: Encodable {
        let id: String
        let name: String
        let current: Bool
    }

    let title: String
    let csrf: String
    let accountName: String
    let accountEmail: String
    let organizationName: String
    let organizations: [OrganizationChoice]
    let isAdministrator: Bool
    let nav: [NavItem]
    let flash: String?
    /// Seconds after which the browser reloads the page (`<meta http-equiv="refresh">`), for pages showing
    /// work in progress without JavaScript; nil for a page that stays put.
    var refreshSeconds: Int? = nil
    let content: Content
}

/// The console's sections, in navigation order.
enum ConsoleSection: String, CaseIterable {
    case dashboard, members, invitations, licenses, clientInvitations, directory, mail, templates, audit, apiTokens

    var path: String {
        switch self {
        case .dashboard: "/console"
        case .members: "/console/members"
        case .invitations: "/console/invitations"
        case .licenses: "/console/licenses"
        case .clientInvitations: "/console/client-invitations"
        case .directory: "/console/directory"
        case .mail: "/console/mail"
        case .templates: "/console/templates"
        case .audit: "/console/audit"
        case .apiTokens: "/console/api-tokens"
        }
    }

    /// Sections a Regular Member sees (Licenses shows only the keys they administer, if any).
    var isOpenToMembers: Bool { self == .dashboard || self == .licenses }

    var label: String {
        switch self {
        case .dashboard: "Dashboard"
        case .members: "Members"
        case .invitations: "Invitations"
        case .licenses: "Licenses"
        case .clientInvitations: "Client invitations"
        case .directory: "Directory"
        case .mail: "Mail"
        case .templates: "Email templates"
        case .audit: "Audit log"
        case .apiTokens: "API tokens"
        }
    }
}

extension Request {
    /// Renders a console page inside the shared layout.
    func renderPage<Content: Encodable>(
        _ template: String, section: ConsoleSection, title: String? = nil, refreshSeconds: Int? = nil, _ content: Content
    ) async throws -> View {
        let context = try console
        let flash = session.data["flash"]
        session.data["flash"] = nil
        let page = Page(
            title: title ?? section.label,
            csrf: CSRF.token(for: self),
            accountName: context.account.name,
            accountEmail: context.account.email,
            organizationName: context.organization.name,
            organizations: try context.organizations.map {
                .init(id: try $0.requireID().uuidString, name: $0.name, current: $0.id == context.organization.id)
            },
            isAdministrator: context.isAdministrator,
            nav: ConsoleSection.allCases.filter { context.isAdministrator || $0.isOpenToMembers }
                .map { .init(path: $0.path, label: $0.label, active: $0 == section) },
            flash: flash,
            refreshSeconds: refreshSeconds,
            content: content
        )
        return try await view.render(template, page)
    }

    /// A one-line message shown at the top of the next page (post/redirect/get).
    func flash(_ message: String) { session.data["flash"] = message }
}
