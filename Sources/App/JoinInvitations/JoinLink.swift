import Fluent
import Foundation
import HeraldCore
import SQLKit

/// What the pages behind a join link need: the invitation with its organization's name and its inviter, read in
/// one indexed query.
///
/// The join page is what every invitee (and every mail scanner) opens, so it is read the cheap way: one statement
/// through SQLKit, decoded column by column. Loading the Fluent model with two eager loads took three statements
/// and Fluent's reflection-based decoding: on its own it capped the page at 2,400 requests/s, against 6,700 for
/// rendering alone (Benchmarks/http-load).
struct JoinLink: Sendable {
    let invitationID: UUID
    let organizationID: UUID
    let organizationName: String
    let inviterName: String?
    let inviterEmail: String?
    let email: String
    let language: String
    let storedStatus: InvitationStatus
    let roleOnAccept: MembershipRole?
    let message: String?
    let expiresAt: Date
    let openedAt: Date?
    /// The organization's identity provider's name when it has single sign-on switched on: the page then offers to
    /// join with it.
    let ssoProvider: String?
    /// Whether the organization refuses passwords: the page then offers only its provider.
    let ssoOnly: Bool

    /// The link's status now: a pending invitation past its expiry reads as expired.
    func status(now: Date = Date()) -> InvitationStatus {
        InvitationLifecycle.effectiveStatus(stored: storedStatus, expiresAt: expiresAt, now: now)
    }

    var role: MembershipRole { roleOnAccept ?? .member }

    /// "Name (email)", or the organization's name for invitations sent by Herald itself (the CLI).
    var inviterLabel: String {
        guard let inviterName, let inviterEmail else { return organizationName }
        return "\(inviterName) (\(inviterEmail))"
    }

    static let query = """
        SELECT i.id, i.organization_id, o.name AS organization_name, a.name AS inviter_name, a.email AS inviter_email,
               i.email, i.language, i.status, i.role_on_accept, i.message, i.expires_at, i.opened_at,
               sso.provider_name AS sso_provider,
               CASE WHEN sso.id IS NULL OR sso.passwords_allowed THEN NULL ELSE 'only' END AS sso_mode
        FROM invitations i
        JOIN organizations o ON o.id = i.organization_id
        LEFT JOIN accounts a ON a.id = i.inviter_id
        LEFT JOIN sso_settings sso ON sso.organization_id = i.organization_id AND sso.enabled
        WHERE i.token_hash = $1 AND i.kind = $2
        """

    static func find(token: String, reads: HotReads, on db: @autoclosure () -> any Database) async throws -> JoinLink? {
        try await reads.first(query, binds(token), on: db()).map(JoinLink.init(row:))
    }

    /// The invitation a resend took `token` away from: only asked when a link is not found, so it costs the page
    /// nothing on the way every invitee takes.
    static func superseded(token: String, reads: HotReads, on db: any Database) async throws -> JoinLink? {
        try await reads.first(supersededQuery, binds(token), on: db).map(JoinLink.init(row:))
    }

    static let supersededQuery = query.replacingOccurrences(
        of: "WHERE i.token_hash = $1", with: "JOIN superseded_links s ON s.invitation_id = i.id WHERE s.token_hash = $1")

    static func binds(_ token: String) -> [String] {
        [TokenGenerator.hash(token), InvitationKind.join.stored]
    }
}

extension JoinLink {
    /// Kept out of the type's body so that the memberwise initializer stays.
    init(row: any SQLRow) throws {
        self.init(
            invitationID: try row.decode(column: "id", as: UUID.self),
            organizationID: try row.decode(column: "organization_id", as: UUID.self),
            organizationName: try row.decode(column: "organization_name", as: String.self),
            inviterName: try row.decode(column: "inviter_name", as: String?.self),
            inviterEmail: try row.decode(column: "inviter_email", as: String?.self),
            email: try row.decode(column: "email", as: String.self),
            language: try row.decode(column: "language", as: String.self),
            storedStatus: try row.decode(column: "status", as: InvitationStatus.self),
            roleOnAccept: try row.decode(column: "role_on_accept", as: MembershipRole?.self),
            message: try row.decode(column: "message", as: String?.self),
            expiresAt: try row.decode(column: "expires_at", as: Date.self),
            openedAt: try row.decode(column: "opened_at", as: Date?.self),
            ssoProvider: try row.decode(column: "sso_provider", as: String?.self),
            ssoOnly: try row.decode(column: "sso_mode", as: String?.self) == "only"
        )
    }
}
