import Fluent
import Foundation
import HeraldCore

/// An organization's client URL scheme and download links; organizations without a row use `ClientDownloads.standard`.
final class ClientInvitationSettings: Model, @unchecked Sendable {
    static let schema = "client_invitation_settings"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization

    @Field(key: "url_scheme") var urlScheme: String
    @Field(key: "download_windows") var downloadWindows: String
    @Field(key: "download_macos") var downloadMacOS: String
    @Field(key: "download_linux") var downloadLinux: String
    @Field(key: "download_ios") var downloadIOS: String
    @Field(key: "download_android") var downloadAndroid: String
    @Field(key: "download_chromeos") var downloadChromeOS: String

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var downloads: ClientDownloads {
        get {
            ClientDownloads(urlScheme: urlScheme, links: [
                .windows: downloadWindows, .macos: downloadMacOS, .linux: downloadLinux,
                .ios: downloadIOS, .android: downloadAndroid, .chromeos: downloadChromeOS,
            ])
        }
        set {
            urlScheme = newValue.urlScheme
            downloadWindows = newValue.link(for: .windows)
            downloadMacOS = newValue.link(for: .macos)
            downloadLinux = newValue.link(for: .linux)
            downloadIOS = newValue.link(for: .ios)
            downloadAndroid = newValue.link(for: .android)
            downloadChromeOS = newValue.link(for: .chromeos)
        }
    }
}
