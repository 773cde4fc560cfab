import Foundation

/// The platforms a remote-access client invitation can carry instructions for, in the order the wizard lists them.
public enum ClientDeviceType: String, Sendable, Hashable, Codable, CaseIterable {
    case windows, macos, linux, ios, android
    /// Chrome OS devices and plain web browsers (the HTML5 client): one choice, as in the vendor consoles.
    case chromeos

    /// Accepts the wire names and a few spellings people type on the command line ("macOS", "chrome-os", "web").
    public init?(name: String) {
        let lowered = name.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "-", with: "")
        switch lowered {
        case "windows", "win": self = .windows
        case "macos", "mac", "osx": self = .macos
        case "linux": self = .linux
        case "ios", "ipados": self = .ios
        case "android": self = .android
        case "chromeos", "chrome", "web", "browser": self = .chromeos
        default: return nil
        }
    }
}

/// How the client reaches the farm. The raw value is what the client's URL scheme calls `ConnMode`.
public enum ConnectionMode: Int, Sendable, Hashable, Codable, CaseIterable {
    case gateway = 0
    case direct = 1
    case gatewaySSL = 2
    case directSSL = 3

    /// The name used in forms, the API and `--mode`.
    public var name: String {
        switch self {
        case .gateway: "gateway"
        case .direct: "direct"
        case .gatewaySSL: "gateway-ssl"
        case .directSSL: "direct-ssl"
        }
    }

    /// SSL modes only work when the gateway has a TLS certificate configured: the wizard says so next to them.
    public var usesTLS: Bool { self == .gatewaySSL || self == .directSSL }

    /// "gateway-ssl", "gateway_ssl", "Gateway SSL" or the number "2".
    public init?(name: String) {
        let normalized = name.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: " ", with: "-")
        if let number = Int(normalized), let mode = ConnectionMode(rawValue: number) { self = mode; return }
        guard let mode = ConnectionMode.allCases.first(where: { $0.name == normalized }) else { return nil }
        self = mode
    }
}

/// How people sign in once connected.
public enum AuthenticationMode: String, Sendable, Hashable, Codable, CaseIterable {
    case credentials
    case singleSignOn = "sso"
    case smartCard = "smartcard"
    /// Web (SAML) sign-in through the organization's identity provider.
    case web
    case webCredentials = "web-credentials"

    public init?(name: String) {
        let normalized = name.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: " ", with: "-")
        switch normalized {
        case "credentials": self = .credentials
        case "sso", "single-sign-on": self = .singleSignOn
        case "smartcard", "smart-card": self = .smartCard
        case "web", "saml", "web-saml": self = .web
        case "web-credentials", "web+credentials": self = .webCredentials
        default: return nil
        }
    }
}
