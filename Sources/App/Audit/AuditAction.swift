/// What an audit event records. The raw values are the text stored in `audit_events.action`: never change one,
/// the log keeps the events written under it.
enum AuditAction: String, Codable, Sendable, CaseIterable {
    case organizationCreated = "organization.created"

    case memberAdded = "member.added"
    case memberJoined = "member.joined"
    case memberPromoted = "member.promote"
    case memberDemoted = "member.demote"
    case memberBlocked = "member.block"
    case memberUnblocked = "member.unblock"
    case memberRemoved = "member.remove"
    case memberLeft = "member.leave"
    case memberLicenseKeysGranted = "member.license_keys_granted"

    case joinInvitationSent = "invitation.join.sent"
    case joinInvitationResent = "invitation.join.resent"
    case joinInvitationRevoked = "invitation.join.revoked"
    case joinInvitationAccepted = "invitation.join.accepted"
    case clientInvitationSent = "invitation.client.sent"
    case clientInvitationRevoked = "invitation.client.revoked"
    case installInvitationResent = "invitation.install.resent"
    case installInvitationRevoked = "invitation.install.revoked"
    /// A bulk resend or revoke run as a background job finished (or stopped): how many of how many.
    case invitationsBulkFinished = "invitation.bulk.finished"

    case licenseCreated = "license.created"
    case licenseKeyViewed = "license.key_viewed"
    case licenseSeatPolicyChanged = "license.seat_policy_changed"
    /// A seat alert emailed to the key's administrators (`SeatAlerts`).
    case licenseSeatAlertSent = "license.seat_alert_sent"
    /// An expiry warning emailed to the key's administrators (`ExpiryWarnings`).
    case licenseExpiryWarningSent = "license.expiry_warning_sent"
    case licenseInvitationsSent = "license.invitations.sent"
    case licenseInvitationsExported = "license.invitations.exported"

    case installationActivated = "installation.activated"
    case installationDeactivated = "installation.deactivated"
    case installationBlocked = "installation.blocked"
    /// A leased seat whose computer missed its heartbeat window was freed (`LeaseSweeper`).
    case installationLapsed = "installation.lapsed"
    /// A lapsed computer checked in again and took a free seat back.
    case installationResumed = "installation.resumed"
    /// An offline activation request was answered (a seat taken, or the same installation answered again).
    case installationActivatedOffline = "installation.activated_offline"

    case apiTokenCreated = "api_token.created"
    case apiTokenRevoked = "api_token.revoked"

    case mailSettingsChanged = "mail_settings.changed"
    case bounceSettingsChanged = "bounce_settings.changed"
    case mailSettingsTested = "mail_settings.tested"
    case clientSettingsChanged = "client_settings.changed"
    case templateChanged = "template.changed"
    case templateReset = "template.reset"

    case directoryImported = "directory.imported"
    case directoryUserCreated = "directory.user_created"
    case directoryUserUpdated = "directory.user_updated"
    case directoryUserDeleted = "directory.user_deleted"
    case directoryGroupCreated = "directory.group_created"
    case directoryGroupDeleted = "directory.group_deleted"
    case directoryMemberAdded = "directory.member_added"
    case directoryMemberRemoved = "directory.member_removed"
    case directoryGroupUpdated = "directory.group_updated"
    case directoryUserDeprovisioned = "directory.user_deprovisioned"
    case directorySettingsChanged = "directory.settings_changed"
    case directorySynced = "directory.synced"
    case ldapSettingsChanged = "directory.ldap_settings_changed"
    case scimTokenCreated = "scim_token.created"
    case scimTokenRevoked = "scim_token.revoked"

    case dkimKeyCreated = "dkim_key.created"
    case dkimKeyActivated = "dkim_key.activated"
    case dkimKeyRetired = "dkim_key.retired"
    case webhookEndpointCreated = "webhook.endpoint_created"
    case webhookEndpointChanged = "webhook.endpoint_changed"
    case webhookEndpointDeleted = "webhook.endpoint_deleted"
    case webhookSecretRotated = "webhook.secret_rotated"
    /// Herald switched the endpoint off after a long run of failed deliveries.
    case webhookEndpointDisabled = "webhook.endpoint_disabled"
    case webhookTestSent = "webhook.test_sent"
    case webhookRedelivered = "webhook.redelivered"

    case twoFactorEnabled = "two_factor.enabled"
    case twoFactorDisabled = "two_factor.disabled"
    case twoFactorRecoveryCodeUsed = "two_factor.recovery_code_used"
    /// The operator removed an account's second factor (`herald admin reset-two-factor`), e.g. after a lost phone.
    case twoFactorReset = "two_factor.reset"
    /// Five wrong codes in a row for one account: someone has its password but not its authenticator.
    case twoFactorCodeGuessesLimited = "two_factor.code_guesses_limited"
    case twoFactorRequirementChanged = "organization.two_factor_requirement_changed"
    case singleSignOnSettingsChanged = "sso.settings_changed"
    /// A person from an allowed domain became a Regular Member by signing in through the identity provider.
    case singleSignOnMemberJoined = "sso.member_joined"
    case suppressionAdded = "suppression.added"
    case suppressionCleared = "suppression.cleared"
    case suppressionsImported = "suppression.imported"
    case deliverabilitySettingsChanged = "deliverability.settings_changed"

    /// The catalog key of the action's name as people read it ("Test email sent", not `mail_settings.tested`).
    var labelKey: String { "audit.action.\(rawValue)" }
}
