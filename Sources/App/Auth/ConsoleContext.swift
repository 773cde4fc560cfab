import Fluent
import Vapor

/// The signed-in person and the organization they are working in, resolved once per console request.
struct ConsoleContext: Sendable {
    let account: Account
    let membership: Membership
    let organization: Organization
    /// Every organization the person may switch to (active memberships only).
    let organizations: [Organization]

    var isAdministrator: Bool { membership.role == .administrator }
    /// From the membership's foreign keys, which a loaded membership always has (unlike a model's optional `id`).
    var organizationID: UUID { membership.$organization.id }
    var accountID: UUID { membership.$account.id }
    var actor: AuditActor { .account(id: accountID, email: account.email) }
}

extension Request {
    private struct ConsoleContextKey: StorageKey { typealias Value = ConsoleContext }

    var console: ConsoleContext {
        get throws {
            guard let context = storage[ConsoleContextKey.self] else {
                throw Abort(.unauthorized, reason: "Please sign in.")
            }
            return context
        }
    }

    func setConsole(_ context: ConsoleContext) { storage[ConsoleContextKey.self] = context }

    static let organizationSessionKey = "organization_id"
}

/// Requires a signed-in account with an active membership, and picks the organization the person chose
/// (or their first). A blocked or removed member gets no console at all.
struct ConsoleContextMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let account = request.auth.get(Account.self), let accountID = account.id else {
            return request.redirect(to: "/signin")
        }
        let memberships = try await Membership.query(on: request.db)
            .filter(\.$account.$id == accountID)
            .filter(\.$status == .active)
            .with(\.$organization)
            .sort(\.$createdAt)
            .all()
        guard !memberships.isEmpty else {
            throw Abort(.forbidden, reason: "Your account is not an active member of any organization.")
        }
        let chosen = request.session.data[Request.organizationSessionKey].flatMap(UUID.init(uuidString:))
        let membership = memberships.first { $0.$organization.id == chosen } ?? memberships[0]
        let context = ConsoleContext(
            account: account, membership: membership, organization: membership.organization,
            organizations: memberships.map(\.organization)
        )
        request.setConsole(context)
        if let enrolFirst = try await TwoFactorRequirement.redirect(request, context: context) { return enrolFirst }
        return try await next.respond(to: request)
    }
}

/// Console pages that change the organization itself (mail settings, tokens, members) need an administrator.
struct RequireAdministratorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard try request.console.isAdministrator else {
            throw Abort(.forbidden, reason: "Only account administrators can open this page.")
        }
        return try await next.respond(to: request)
    }
}
