import Fluent
import Foundation

/// An organization's outgoing mail settings. The SMTP password is stored only as `SecretBox` ciphertext.
final class MailSettings: Model, @unchecked Sendable {
    static let schema = "mail_settings"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization

    @Field(key: "transport") var transport: String
    @OptionalField(key: "host") var host: String?
    @OptionalField(key: "port") var port: Int?
    @Field(key: "sender_address") var senderAddress: String
    @OptionalField(key: "sender_name") var senderName: String?
    @Field(key: "tls_mode") var tlsMode: String
    @Field(key: "minimum_tls_version") var minimumTLSVersion: String
    @Field(key: "verify_certificates") var verifyCertificates: Bool
    /// PEM certificates of a private CA trusted in addition to the system's (UpdateMailSettingsAddCACertificate).
    @OptionalField(key: "ca_certificate") var caCertificate: String?
    @Field(key: "requires_authentication") var requiresAuthentication: Bool
    @OptionalField(key: "username") var username: String?
    @OptionalField(key: "password_ciphertext") var passwordCiphertext: String?

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}
