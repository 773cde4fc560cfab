import HeraldCore
import Vapor

/// What the wizard's pages show. One struct for all steps: each page reads its own part.
struct ClientWizardView: Encodable {
    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct MailStep: Encodable {
        let transport: String
        let server: String
        let senderAddress: String
        let senderName: String
        let tlsMode: String
        let tlsModes: [String]
        let minimumTLSVersion: String
        let verifyCertificates: Bool
        let requiresAuthentication: Bool
        let username: String
        let hasPassword: Bool
        var testTo = ""
        var testResults: [TestEmail.Result] = []
    }

    struct ConnectionStep: Encodable {
        let devices: [Option]
        let server: String
        let port: String
        let modes: [Option]
        let authentications: [Option]
        let credentialProvider: String
    }

    struct RecipientsStep: Encodable {
        let users: [Option]
        let groups: [Option]
        let resolved: [String]
    }

    struct MessageStep: Encodable {
        let languages: [Option]
        let subject: String
        let template: String
        let previewChoices: [Option]
        var previewURL: String?
        let variables: [String]
    }

    struct SummaryStep: Encodable {
        struct Person: Encodable {
            let name: String
            let email: String
        }
        struct DeviceCount: Encodable {
            let device: String
            let messages: Int
        }
        let recipients: [Person]
        let deviceCounts: [DeviceCount]
        let server: String
        let port: Int
        let mode: String
        let usesTLS: Bool
        let authentication: String
        let credentialProvider: String
        let language: String
        let subject: String
        let launchLink: String
    }

    let steps: [WizardStepLink]
    let step: String
    var errors: [String] = []
    var warnings: [String] = []
    var mail: MailStep?
    var connection: ConnectionStep?
    var recipients: RecipientsStep?
    var message: MessageStep?
    var summary: SummaryStep?

    init(step: ClientWizardStep) {
        steps = WizardStepLink.all(current: step)
        self.step = step.rawValue
    }
}

/// The English names the console uses for the wizard's choices (emails use the translated ones).
enum ClientChoiceLabels {
    static func device(_ device: ClientDeviceType) -> String {
        switch device {
        case .windows: "Windows"
        case .macos: "macOS"
        case .linux: "Linux"
        case .ios: "iOS"
        case .android: "Android"
        case .chromeos: "Chrome OS / web browser"
        }
    }

    static func mode(_ mode: ConnectionMode) -> String {
        switch mode {
        case .gateway: "Gateway"
        case .direct: "Direct"
        case .gatewaySSL: "Gateway SSL (the gateway needs TLS configured)"
        case .directSSL: "Direct SSL (the gateway needs TLS configured)"
        }
    }

    static func authentication(_ mode: AuthenticationMode) -> String {
        switch mode {
        case .credentials: "Credentials"
        case .singleSignOn: "Single Sign-On"
        case .smartCard: "Smart Card"
        case .web: "Web (SAML)"
        case .webCredentials: "Web + Credentials"
        }
    }
}
