import Fluent
import Vapor

/// Every migration in the order it shipped. Never edit or reorder a shipped one: add `UpdateXAddY` at the end.
enum HeraldMigrations {
    static let all: [any Migration] = [
        CreateOrganization(),
        CreateAccount(),
        CreateMembership(),
        CreateLicenseKey(),
        CreateLicenseKeyAdministrator(),
        CreateInvitation(),
        CreateActivationCode(),
        CreateInstallation(),
        CreateBlockedComputer(),
        CreateDirectoryUser(),
        CreateDirectoryGroup(),
        CreateDirectoryGroupMember(),
        CreateMailSettings(),
        CreateOutboxMessage(),
        CreateAuditEvent(),
        CreateAPIToken(),
        CreateSetupToken(),
        SessionRecord.migration,
        UpdateInvitationAddPendingJoinIndex(),
        UpdateAccountAddLanguage(),
        CreateMessageOverride(),
        CreateClientInvitationSettings(),
        CreateActivationSigningKey(),
        UpdateLicenseKeyAddDownloads(),
        UpdateInstallationAddSeatIndexes(),
        UpdateInvitationAddBatchIndex(),
        UpdateActivationCodeAddInvitationIndex(),
        UpdateInvitationAddOpenedAt(),
        UpdateInstallationAddCertificate(),
        CreateStoredSession(),
        UpdateMailSettingsAddCACertificate(),
        UpdateOutboxMessageAddOrganizationIndex(),
        UpdateInstallationOneActivePerCode(),
        UpdateListsAddKeysetIndexes(),
        CreateSupersededLink(),
    ]
}
