import Fluent
import HeraldCore
import Vapor

/// Herald's own download address for the remote-access client, one per organization and platform, which client
/// invitations carry for every platform the administrator set no link for: it forwards to the link once one is
/// set (Remote access → Client URL scheme and download links), and until then tells the person, in their language,
/// to ask their IT department for the installer. No vendor's site is ever assumed.
struct ClientDownloadPage {
    static func url(organizationID: UUID, device: ClientDeviceType, base: URL) -> String {
        ActivationURLs.join(base, "client-downloads/\(organizationID.uuidString)/\(device.rawValue)")
    }

    struct ViewModel: Encodable {}

    func show(_ req: Request) async throws -> Response {
        let language = req.inviteeLanguage()
        guard let organizationID = req.parameters.get("organizationID", as: UUID.self),
              let device = req.parameters.get("device").flatMap(ClientDeviceType.init(rawValue:)),
              let organization = try await Organization.find(organizationID, on: req.db)
        else {
            return try await req.renderInviteePage("client-download", language: language, titleKey: "client.download.unknownTitle",
                                                   keys: ["client.download.unknown"], ViewModel(), status: .notFound)
        }
        // Set after the invitation was sent: the same address now leads to it.
        if let link = try await ClientDownloadsStore.downloads(for: organizationID, on: req.db).links[device] {
            return req.redirect(to: link, redirectType: .normal)
        }
        let arguments = ["organization": organization.name, "device": req.herald.catalog.text("client.device.\(device.rawValue)", language)]
        return try await req.renderInviteePage("client-download", language: language, titleKey: "client.download.title",
                                               keys: ["client.download.none"], arguments: arguments, ViewModel())
    }
}
