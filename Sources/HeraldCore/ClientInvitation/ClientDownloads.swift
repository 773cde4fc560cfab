import Foundation

/// Per organization: the client's URL scheme and where each platform's client is downloaded from, as the
/// administrator sets them. No vendor's site is assumed: a platform without a link gets Herald's own page for it
/// (App's `ClientDownloadPage`), which tells the person to ask their IT department for the installer.
public struct ClientDownloads: Sendable, Hashable, Codable {
    public var urlScheme: String
    /// Only the platforms the administrator gave a link for.
    public var links: [ClientDeviceType: String]

    public init(urlScheme: String, links: [ClientDeviceType: String]) {
        self.urlScheme = urlScheme
        self.links = links.filter { !$0.value.isEmpty }
    }

    /// Parallels Client registers `tuxclient:`; no download links until the administrator adds them.
    public static let standard = ClientDownloads(urlScheme: "tuxclient", links: [:])

    /// These links, with `fallback(device)` for every platform that has none: what invitations are built from.
    public func filled(_ fallback: (ClientDeviceType) -> String) -> ClientDownloads {
        var all = links
        for device in ClientDeviceType.allCases where all[device] == nil { all[device] = fallback(device) }
        return ClientDownloads(urlScheme: urlScheme, links: all)
    }

    /// The platform's link; empty when it has none (invitations use `filled`, which gives every platform one).
    public func link(for device: ClientDeviceType) -> String { links[device] ?? "" }

    /// Every problem with the scheme and links, each naming its field (`url_scheme`, `download_windows`, ...).
    public func problems() -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if let problem = Self.schemeProblem(urlScheme) { problems.append(problem) }
        for device in ClientDeviceType.allCases {
            guard let link = links[device] else { continue }
            guard let url = URL(string: link), let scheme = url.scheme?.lowercased(), ["https", "http"].contains(scheme), url.host?.isEmpty == false else {
                problems.append(.init(field: "download_\(device.rawValue)", "'\(link)' is not an http(s) URL"))
                continue
            }
        }
        return problems
    }

    /// RFC 3986 3.1 scheme syntax, and none of the schemes a browser would treat as a web page or script:
    /// the point of the link is to open the client, never to run anything in the mail reader.
    static func schemeProblem(_ scheme: String) -> FieldProblem? {
        let reserved: Set<String> = ["http", "https", "javascript", "data", "file", "vbscript", "mailto", "blob", "about"]
        guard let first = scheme.first, first.isASCII, first.isLetter,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }), scheme.count <= 40 else {
            return .init(field: "url_scheme", "'\(scheme)' is not a URL scheme (letters, digits, + - ., starting with a letter)")
        }
        if reserved.contains(scheme.lowercased()) { return .init(field: "url_scheme", "'\(scheme)' cannot be the client's URL scheme") }
        return nil
    }
}

/// The link that opens the client and adds the connection, in the client's URL scheme:
/// `<scheme>:///?Command=LaunchApp&ConnMode=2&Server=gw.example.com&Port=443`.
public enum ClientLaunchLink {
    public static func url(scheme: String, settings: ConnectionSettings) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let server = settings.server.text.addingPercentEncoding(withAllowedCharacters: allowed) ?? settings.server.text
        return "\(scheme):///?Command=LaunchApp&ConnMode=\(settings.mode.rawValue)&Server=\(server)&Port=\(settings.port)"
    }
}
