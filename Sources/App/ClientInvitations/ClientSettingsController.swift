import HeraldCore
import Vapor

/// The organization's client URL scheme and download links, used by every client invitation's instructions.
struct ClientSettingsController {
    struct Link: Encodable {
        let field: String
        let label: String
        let value: String
    }

    struct ViewModel: Encodable {
        let urlScheme: String
        let links: [Link]
        let example: String
        var errors: [String] = []
    }

    struct Form: Content {
        var url_scheme: String
        var download_windows: String?
        var download_macos: String?
        var download_linux: String?
        var download_ios: String?
        var download_android: String?
        var download_chromeos: String?

        var downloads: ClientDownloads {
            let values: [ClientDeviceType: String?] = [.windows: download_windows, .macos: download_macos, .linux: download_linux,
                                                       .ios: download_ios, .android: download_android, .chromeos: download_chromeos]
            return ClientDownloads(urlScheme: url_scheme.trimmingCharacters(in: .whitespaces),
                                   links: values.mapValues { ($0 ?? "").trimmingCharacters(in: .whitespaces) })
        }
    }

    func form(_ req: Request) async throws -> View {
        let downloads = try await ClientDownloadsStore.downloads(for: req.console.organizationID, on: req.db)
        return try await Self.render(req, downloads, errors: [])
    }

    func save(_ req: Request) async throws -> Response {
        let context = try req.console
        let downloads = try req.content.decode(Form.self).downloads
        let problems = downloads.problems()
        guard problems.isEmpty else {
            return try await Self.render(req, downloads, errors: problems.map(\.description)).unprocessable(for: req)
        }
        try await ClientDownloadsStore.save(downloads, organizationID: context.organizationID, actor: context.actor, on: req.db)
        req.flash("Client settings saved.")
        return req.redirect(to: "/console/client-invitations/settings")
    }

    private static func render(_ req: Request, _ downloads: ClientDownloads, errors: [String]) async throws -> View {
        let example = ConnectionSettings(deviceTypes: [.windows], server: .domainName("gw.example.com"), port: 443, mode: .gatewaySSL, authentication: .credentials)
        let model = ViewModel(
            urlScheme: downloads.urlScheme,
            links: ClientDeviceType.allCases.map { Link(field: "download_\($0.rawValue)", label: ClientChoiceLabels.device($0), value: downloads.link(for: $0)) },
            example: ClientLaunchLink.url(scheme: downloads.urlScheme, settings: example), errors: errors)
        return try await req.renderPage("client-settings", section: .clientInvitations, title: "Client download links", model)
    }
}
