import Foundation

/// An installation holding a seat, as an activation answers with it and its certificate names it.
///
/// Plain values rather than the Fluent model: a repeated activation is answered from one joined row
/// (`ActivationLookup`), and building `Installation` and `LicenseKey` models for it (a property wrapper object
/// per column) cost more than reading the row did.
struct ActivatedInstallation: Sendable, Equatable {
    let id: UUID
    let machine: MachineDescription
    let certificateSerial: String
    let activatedAt: Date
    /// The certificate issued at activation, and the public URL it was issued under (`ActivationCertificates`).
    let certificate: String?
    let certificateIssuer: String?
}

/// What a certificate says about the license key: never its secret.
struct LicenseKeyTerms: Sendable, Equatable {
    let id: UUID
    let organizationID: UUID
    let name: String
    let product: String
    let expiresAt: Date?
}

extension ActivatedInstallation {
    init(_ installation: Installation) throws {
        self.init(
            id: try installation.requireID(),
            machine: MachineDescription(
                fingerprint: installation.fingerprint, computerName: installation.computerName,
                operatingSystem: installation.operatingSystem, serialNumber: installation.serialNumber,
                macAddress: installation.macAddress
            ),
            certificateSerial: installation.certificateSerial, activatedAt: installation.activatedAt,
            certificate: installation.certificate, certificateIssuer: installation.certificateIssuer
        )
    }
}

extension LicenseKeyTerms {
    init(_ key: LicenseKey) throws {
        self.init(id: try key.requireID(), organizationID: key.$organization.id, name: key.name, product: key.product,
                  expiresAt: key.expiresAt)
    }
}
