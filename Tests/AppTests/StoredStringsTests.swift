@testable import App
import Fluent
import Foundation
import HeraldCore
import SQLKit
import Testing

/// Issue #15 typed the status and kind columns without a data migration, so rows written before it (inserted
/// here by raw SQL with the literal stored strings) must read back through the models as the matching enum values,
/// and the typed filters must find them. Runs on SQLite and on PostgreSQL (`HERALD_TEST_DATABASE=postgres`).
@Suite("Stored strings read back as typed fields")
struct StoredStringsTests {
    @Test("invitations: kind, status and role, through the models, the filters and the join link's direct read")
    func invitations() async throws {
        try await withHerald { app in
            // given: the stored strings beside the values they must read as
            let sql = try app.db.sql
            let (organization, _) = try await LicenseFixtures.key(app, seats: 1)
            let organizationID = try organization.requireID()
            let rows: [(email: String, stored: (String, String, String?), kind: InvitationKind, status: InvitationStatus, role: MembershipRole?)] = [
                ("a@example.com", ("join", "pending", "administrator"), .join, .pending, .administrator),
                ("b@example.com", ("join", "expired", "member"), .join, .expired, .member),
                ("c@example.com", ("install", "accepted", nil), .install, .accepted, nil),
                ("d@example.com", ("client", "revoked", nil), .client, .revoked, nil),
            ]
            for row in rows {
                _ = try await Self.invitation(sql, organizationID: organizationID, email: row.email, kind: row.stored.0, status: row.stored.1, role: row.stored.2)
            }

            // when
            let read = Dictionary(uniqueKeysWithValues: try await Invitation.query(on: app.db).all().map { ($0.email, $0) })
            let link = try await JoinLink.find(token: "a@example.com", reads: app.herald.hotReads, on: app.db)

            // then
            for row in rows {
                let invitation = try #require(read[row.email])
                #expect(invitation.kind == row.kind && invitation.status == row.status && invitation.roleOnAccept == row.role, "\(row.email)")
            }
            #expect(try await Invitation.query(on: app.db).filter(\.$kind == .join).filter(\.$status == .pending).all().map(\.email) == ["a@example.com"])
            #expect(link?.storedStatus == .pending && link?.role == .administrator)
        }
    }

    @Test("activation codes, installations and outbox messages: every status")
    func statuses() async throws {
        try await withHerald { app in
            // given
            let sql = try app.db.sql
            let (organization, key) = try await LicenseFixtures.key(app, seats: 3)
            let (organizationID, keyID) = (try organization.requireID(), try key.requireID())
            let invitationID = try await Self.invitation(sql, organizationID: organizationID, email: "i@example.com", kind: "install", status: "pending", role: nil)
            for status in ["unused", "used"] {
                try await Self.insert(sql, into: "activation_codes", [
                    "id": UUID(), "invitation_id": invitationID, "license_key_id": keyID, "code_hash": status, "status": status,
                    "expires_at": Date(), "created_at": Date(),
                ])
            }
            for status in ["active", "deactivated", "blocked"] {
                try await Self.insert(sql, into: "installations", [
                    "id": UUID(), "license_key_id": keyID, "fingerprint": status, "computer_name": "PC", "operating_system": "macOS",
                    "status": status, "certificate_serial": UUID().uuidString, "activated_at": Date(),
                ])
            }
            for status in ["queued", "sending", "sent", "deferred", "failed"] {
                try await Self.insert(sql, into: "outbox_messages", [
                    "id": UUID(), "organization_id": organizationID, "status": status, "mail_from": "herald@example.com", "recipients": status,
                    "message_id": "<\(status)@herald.test>", "subject": "s", "raw": Data("x".utf8), "attempts": 0, "next_attempt_at": Date(),
                ])
            }

            // when
            let codes = try await ActivationCodeRecord.query(on: app.db).all().map { ($0.codeHash, $0.status) }
            let installations = try await Installation.query(on: app.db).all().map { ($0.fingerprint, $0.status) }
            let messages = try await OutboxMessage.query(on: app.db).all().map { ($0.recipients, $0.status) }

            // then
            #expect(Dictionary(uniqueKeysWithValues: codes) == ["unused": .unused, "used": .used])
            #expect(Dictionary(uniqueKeysWithValues: installations) == ["active": .active, "deactivated": .deactivated, "blocked": .blocked])
            #expect(Dictionary(uniqueKeysWithValues: messages)
                == ["queued": .queued, "sending": .sending, "sent": .sent, "deferred": .deferred, "failed": .failed])
            #expect(try await Installation.query(on: app.db).filter(\.$status == .active).count() == 1)
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$status == .deferred).all().map(\.recipients) == ["deferred"])
        }
    }

    /// Every action the audit log has ever written, as written. A new `AuditAction` must be added here too.
    static let auditActions: [String: AuditAction] = [
        "organization.created": .organizationCreated, "member.added": .memberAdded, "member.joined": .memberJoined,
        "member.promote": .memberPromoted, "member.demote": .memberDemoted, "member.block": .memberBlocked,
        "member.unblock": .memberUnblocked, "member.remove": .memberRemoved, "member.leave": .memberLeft,
        "member.license_keys_granted": .memberLicenseKeysGranted, "invitation.join.sent": .joinInvitationSent,
        "invitation.join.resent": .joinInvitationResent, "invitation.join.revoked": .joinInvitationRevoked,
        "invitation.join.accepted": .joinInvitationAccepted, "invitation.client.sent": .clientInvitationSent,
        "license.created": .licenseCreated, "license.key_viewed": .licenseKeyViewed, "license.invitations.sent": .licenseInvitationsSent,
        "license.invitations.exported": .licenseInvitationsExported, "installation.activated": .installationActivated,
        "installation.deactivated": .installationDeactivated, "installation.blocked": .installationBlocked,
        "api_token.created": .apiTokenCreated, "api_token.revoked": .apiTokenRevoked, "mail_settings.changed": .mailSettingsChanged, "bounce_settings.changed": .bounceSettingsChanged,
        "mail_settings.tested": .mailSettingsTested, "client_settings.changed": .clientSettingsChanged, "template.changed": .templateChanged,
        "template.reset": .templateReset, "directory.imported": .directoryImported, "directory.user_created": .directoryUserCreated,
        "directory.user_updated": .directoryUserUpdated, "directory.user_deleted": .directoryUserDeleted,
        "directory.group_created": .directoryGroupCreated, "directory.group_deleted": .directoryGroupDeleted,
        "directory.member_added": .directoryMemberAdded, "directory.member_removed": .directoryMemberRemoved,
        "invitation.client.revoked": .clientInvitationRevoked, "invitation.install.resent": .installInvitationResent,
        "invitation.install.revoked": .installInvitationRevoked,
        "directory.group_updated": .directoryGroupUpdated, "directory.user_deprovisioned": .directoryUserDeprovisioned,
        "directory.settings_changed": .directorySettingsChanged,
        "directory.synced": .directorySynced, "directory.ldap_settings_changed": .ldapSettingsChanged, "scim_token.created": .scimTokenCreated,
        "scim_token.revoked": .scimTokenRevoked,
        "license.seat_policy_changed": .licenseSeatPolicyChanged, "license.seat_alert_sent": .licenseSeatAlertSent,
        "license.expiry_warning_sent": .licenseExpiryWarningSent, "installation.lapsed": .installationLapsed,
        "installation.resumed": .installationResumed, "installation.activated_offline": .installationActivatedOffline,
        "dkim_key.created": .dkimKeyCreated, "dkim_key.activated": .dkimKeyActivated, "dkim_key.retired": .dkimKeyRetired,
        "webhook.endpoint_created": .webhookEndpointCreated, "webhook.endpoint_changed": .webhookEndpointChanged,
        "webhook.endpoint_deleted": .webhookEndpointDeleted, "webhook.secret_rotated": .webhookSecretRotated,
        "webhook.endpoint_disabled": .webhookEndpointDisabled, "webhook.test_sent": .webhookTestSent,
        "webhook.redelivered": .webhookRedelivered,
        "two_factor.enabled": .twoFactorEnabled, "two_factor.disabled": .twoFactorDisabled,
        "two_factor.recovery_code_used": .twoFactorRecoveryCodeUsed, "two_factor.reset": .twoFactorReset,
        "two_factor.code_guesses_limited": .twoFactorCodeGuessesLimited,
        "organization.two_factor_requirement_changed": .twoFactorRequirementChanged,
        "sso.settings_changed": .singleSignOnSettingsChanged, "sso.member_joined": .singleSignOnMemberJoined,
        "suppression.added": .suppressionAdded, "suppression.cleared": .suppressionCleared,
        "suppression.imported": .suppressionsImported, "deliverability.settings_changed": .deliverabilitySettingsChanged,
        "invitation.bulk.finished": .invitationsBulkFinished,
    ]

    @Test("audit events: every action string")
    func auditEvents() async throws {
        try await withHerald { app in
            // given
            let sql = try app.db.sql
            for action in Self.auditActions.keys {
                try await Self.insert(sql, into: "audit_events", [
                    "id": UUID(), "actor_label": "cli", "action": action, "target_type": "test", "target_label": action, "created_at": Date(),
                ])
            }

            // when
            let read = try await AuditEvent.query(on: app.db).all().map { ($0.targetLabel, $0.action) }

            // then
            #expect(Dictionary(uniqueKeysWithValues: read) == Self.auditActions)
            #expect(Set(Self.auditActions.values) == Set(AuditAction.allCases))
        }
    }

    /// An invitation row as an older Herald left it; its token is its email, so a join link can find it.
    static func invitation(_ sql: any SQLDatabase, organizationID: UUID, email: String, kind: String, status: String,
                           role: String?) async throws -> UUID {
        let id = UUID()
        try await insert(sql, into: "invitations", [
            "id": id, "organization_id": organizationID, "kind": kind, "email": email, "language": "en", "status": status,
            "token_hash": TokenGenerator.hash(email), "role_on_accept": role, "expires_at": Date().addingTimeInterval(86_400),
            "created_at": Date(), "updated_at": Date(),
        ])
        return id
    }

    static func insert(_ sql: any SQLDatabase, into table: String, _ row: [String: any Encodable & Sendable]) async throws {
        let columns = Array(row.keys)
        try await sql.insert(into: table).columns(columns).values(columns.map { SQLBind(row[$0]!) }).run()
    }
}
