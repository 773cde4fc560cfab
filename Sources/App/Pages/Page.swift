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
    /// For a page showing work in progress: whether it reloads itself and the link that turns that off or on.
    var autoRefresh: AutoRefresh? = nil
    /// A form on this page the server refused, to show in place (`FormRefusal`).
    var refusal: FormRefusal? = nil
    let content: Content
}

/// A page showing work in progress reloads itself without JavaScript, and says so with a link that stops it
/// (`?refresh=off`), since WCAG 2.2.1 asks that a person can turn a timed change off. The reload is asked for with
/// the HTTP `Refresh` header (`Request.renderRefreshingPage`), not `<meta http-equiv="refresh">`, which axe-core
/// reports on every page whatever control the page offers.
struct AutoRefresh: Encodable {
    /// Seconds between reloads; nil when the person turned reloading off.
    let seconds: Int?
    /// The same page with reloading turned off (while on) or on again (while off).
    let toggleURL: String
}

/// The console's sections, in navigation order.
enum ConsoleSection: String, CaseIterable {
    case dashboard, members, invitations, licenses, clientInvitations, directory, mail, templates, audit, apiTokens, webhooks, singleSignOn,
         suppressions
    /// The person's own sign-in settings, linked from the top bar rather than the navigation.
    case twoFactor

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
        case .webhooks: "/console/webhooks"
        case .twoFactor: "/console/two-factor"
        case .singleSignOn: "/console/sso"
        case .suppressions: "/console/suppressions"
        }
    }

    /// Sections a Regular Member sees (Licenses shows only the keys they administer, if any).
    var isOpenToMembers: Bool { self == .dashboard || self == .licenses || self == .twoFactor }

    var isInNavigation: Bool { self != .twoFactor }

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
        case .webhooks: "Webhooks"
        case .twoFactor: "Two-factor sign-in"
        case .singleSignOn: "Single sign-on"
        case .suppressions: "Suppression list"
        }
    }
}

extension Request {
    /// Renders a console page inside the shared layout.
    func renderPage<Content: Encodable>(
        _ template: String, section: ConsoleSection, title: String? = nil, autoRefresh: AutoRefresh? = nil, _ content: Content
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
            nav: ConsoleSection.allCases.filter { $0.isInNavigation && (context.isAdministrator || $0.isOpenToMembers) }
                .map { .init(path: $0.path, label: $0.label, active: $0 == section) },
            flash: flash,
            autoRefresh: autoRefresh,
            refusal: FormRefusal.current(self),
            content: content
        )
        return try await view.render(template, page)
    }

    /// Renders a console page that reloads itself every `seconds` (nil: it stays put) unless the person turned
    /// reloading off with `?refresh=off`.
    func renderRefreshingPage<Content: Encodable>(
        _ template: String, section: ConsoleSection, title: String? = nil, every seconds: Int?, _ content: Content
    ) async throws -> Response {
        let stopped = url.query?.isEmpty == false && (try? query.get(String.self, at: "refresh")) == "off"
        let autoRefresh = seconds.map { AutoRefresh(seconds: stopped ? nil : $0, toggleURL: stopped ? url.path : url.path + "?refresh=off") }
        let response = try await renderPage(template, section: section, title: title, autoRefresh: autoRefresh, content)
            .encodeResponse(for: self)
        if let seconds = autoRefresh?.seconds { response.headers.replaceOrAdd(name: "Refresh", value: String(seconds)) }
        return response
    }

    /// A one-line message shown at the top of the next page (post/redirect/get).
    func flash(_ message: String) { session.data["flash"] = message }
}
