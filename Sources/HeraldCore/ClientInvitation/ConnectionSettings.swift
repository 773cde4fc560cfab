import Foundation

/// What a recipient's client is configured with: the wizard's connection step, validated.
public struct ConnectionSettings: Sendable, Hashable {
    public var deviceTypes: [ClientDeviceType]
    public var server: HostAddress
    public var port: Int
    public var mode: ConnectionMode
    public var authentication: AuthenticationMode
    /// The CLSID of a third-party Windows credential provider, `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`.
    public var credentialProvider: String?

    public init(deviceTypes: [ClientDeviceType], server: HostAddress, port: Int, mode: ConnectionMode,
                authentication: AuthenticationMode, credentialProvider: String? = nil) {
        self.deviceTypes = deviceTypes
        self.server = server
        self.port = port
        self.mode = mode
        self.authentication = authentication
        self.credentialProvider = credentialProvider
    }

    /// The fields as a form, an API body or flags give them.
    public struct Input: Sendable, Hashable, Codable {
        public var deviceTypes: [String]
        public var server: String
        public var port: String
        public var mode: String
        public var authentication: String
        public var credentialProvider: String

        public init(deviceTypes: [String] = [], server: String = "", port: String = "443", mode: String = "gateway-ssl",
                    authentication: String = "credentials", credentialProvider: String = "") {
            self.deviceTypes = deviceTypes
            self.server = server
            self.port = port
            self.mode = mode
            self.authentication = authentication
            self.credentialProvider = credentialProvider
        }
    }

    /// Every problem at once, each naming its field, or the settings.
    public static func validate(_ input: Input) -> Result<ConnectionSettings, FieldProblems> {
        var problems: [FieldProblem] = []
        var devices: [ClientDeviceType] = []
        for name in input.deviceTypes where !name.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let device = ClientDeviceType(name: name) else {
                problems.append(.init(field: "device_types", "'\(name)' is not a device type (\(ClientDeviceType.allCases.map(\.rawValue).joined(separator: ", ")))"))
                continue
            }
            if !devices.contains(device) { devices.append(device) }
        }
        if devices.isEmpty && problems.isEmpty { problems.append(.init(field: "device_types", "choose at least one device type")) }
        // The wizard lists device types in a fixed order; messages follow it whatever order they were ticked in.
        devices.sort { ClientDeviceType.allCases.firstIndex(of: $0)! < ClientDeviceType.allCases.firstIndex(of: $1)! }

        let server: HostAddress?
        switch HostAddress.parse(input.server) {
        case .success(let address): server = address
        case .failure(let problem): server = nil; problems.append(problem)
        }
        let portText = input.port.trimmingCharacters(in: .whitespaces)
        let port = Int(portText).flatMap { (1...65535).contains($0) ? $0 : nil }
        if port == nil { problems.append(.init(field: "port", "'\(portText)' is not a port number (1-65535)")) }
        let mode = ConnectionMode(name: input.mode)
        if mode == nil {
            problems.append(.init(field: "connection_mode", "'\(input.mode)' is not a connection mode (gateway, direct, gateway-ssl, direct-ssl)"))
        }
        let authentication = AuthenticationMode(name: input.authentication)
        if authentication == nil {
            problems.append(.init(field: "authentication", "'\(input.authentication)' is not an authentication mode (\(AuthenticationMode.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
        var provider: String?
        let providerText = input.credentialProvider.trimmingCharacters(in: .whitespaces)
        if !providerText.isEmpty {
            provider = CredentialProviderID.normalize(providerText)
            if provider == nil {
                problems.append(.init(field: "credential_provider", "'\(providerText)' is not a GUID (e.g. {25CBB996-92ED-457E-B28C-4774084BD562})"))
            }
        }
        guard problems.isEmpty, let server, let port, let mode, let authentication else { return .failure(FieldProblems(problems)) }
        return .success(ConnectionSettings(deviceTypes: devices, server: server, port: port, mode: mode,
                                           authentication: authentication, credentialProvider: provider))
    }
}

/// Windows identifies credential providers by a CLSID: a GUID written in braces.
public enum CredentialProviderID {
    /// `{25cbb996-...}`, `25CBB996-...` → `{25CBB996-...}`; nil when it is not a GUID.
    public static func normalize(_ text: String) -> String? {
        var body = Substring(text)
        if body.hasPrefix("{") && body.hasSuffix("}") { body = body.dropFirst().dropLast() }
        let groups = body.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12], groups.allSatisfy({ $0.allSatisfy(\.isHexDigit) }) else { return nil }
        return "{\(body.uppercased())}"
    }
}
