import Foundation

/// Builds the `%INSTRUCTIONS%` and `%MANUALINSTRUCTIONS%` blocks for one invitation, in its language.
///
/// HeraldCore has no message catalog: the caller passes `localized`, which looks up a key (see the
/// `client.*` keys in Resources/Locales) and fills `{placeholders}`.
public struct ClientInstructions: Sendable {
    public typealias Localize = @Sendable (_ key: String, _ arguments: [String: String]) -> String

    public let settings: ConnectionSettings
    public let downloads: ClientDownloads
    public let localized: Localize

    public init(settings: ConnectionSettings, downloads: ClientDownloads, localized: @escaping Localize) {
        self.settings = settings
        self.downloads = downloads
        self.localized = localized
    }

    public var launchLink: String { ClientLaunchLink.url(scheme: downloads.urlScheme, settings: settings) }

    /// Per device type: where to download the client and the link that configures it.
    public func automatic() -> RenderedBlock {
        var html = ""
        var text: [String] = []
        let link = launchLink
        for device in settings.deviceTypes {
            let name = localized("client.device.\(device.rawValue)", [:])
            let download = downloads.link(for: device)
            let downloadLabel = localized("client.instructions.download", ["device": name])
            let configureLabel = localized("client.instructions.configure", [:])
            html += """
            <h3 style="margin:1em 0 .3em;font-size:16px">\(HTMLText.escape(name))</h3>
            <div style="margin:0 0 .4em">\(HTMLText.escape(downloadLabel)): <a href="\(HTMLText.escape(download))">\(HTMLText.escape(download))</a></div>
            <div style="margin:0 0 1em">\(HTMLText.escape(configureLabel)): <a href="\(HTMLText.escape(link))" data-device="\(device.rawValue)">\(HTMLText.escape(link))</a></div>\n
            """
            text.append("\(name)\n\(downloadLabel): \(download)\n\(configureLabel): \(link)")
        }
        return RenderedBlock(html: html, text: text.joined(separator: "\n\n") + "\n")
    }

    /// Per device type: numbered steps to download, install and add the connection by hand.
    public func manual() -> RenderedBlock {
        var html = ""
        var text: [String] = []
        for device in settings.deviceTypes {
            let name = localized("client.device.\(device.rawValue)", [:])
            let steps = steps(for: device)
            html += "<h3 style=\"margin:1em 0 .3em;font-size:16px\">\(HTMLText.escape(name))</h3>\n<ol>\n"
            for step in steps { html += "<li>\(step.html)</li>\n" }
            html += "</ol>\n"
            text.append(([name] + steps.enumerated().map { "\($0.offset + 1). \($0.element.text)" }).joined(separator: "\n"))
        }
        return RenderedBlock(html: html, text: text.joined(separator: "\n\n") + "\n")
    }

    private func steps(for device: ClientDeviceType) -> [RenderedBlock] {
        let download = downloads.link(for: device)
        let marker = "\u{1}download\u{1}"
        let downloadStep = localized("client.manual.download", ["url": marker])
        var steps = [RenderedBlock(
            html: HTMLText.escape(downloadStep).replacingOccurrences(
                of: marker, with: "<a href=\"\(HTMLText.escape(download))\">\(HTMLText.escape(download))</a>"),
            text: downloadStep.replacingOccurrences(of: marker, with: download)
        )]
        var plain = [
            localized("client.manual.install.\(device.rawValue)", [:]),
            localized("client.manual.add", ["server": settings.server.text, "port": String(settings.port)]),
            localized("client.manual.mode", ["mode": localized("client.mode.\(settings.mode.name)", [:])]),
            localized("client.manual.authentication", ["authentication": localized("client.auth.\(settings.authentication.rawValue)", [:])]),
        ]
        // Credential providers are Windows sign-in components; other platforms have nothing to set.
        if device == .windows, let provider = settings.credentialProvider {
            plain.append(localized("client.manual.provider", ["guid": provider]))
        }
        plain.append(localized("client.manual.connect", [:]))
        steps += plain.map { RenderedBlock(html: HTMLText.escape($0), text: $0) }
        return steps
    }
}
