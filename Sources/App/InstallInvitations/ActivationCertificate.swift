import Fluent
import Foundation
import HeraldCore
import JWTKit

/// What an installed product keeps as proof of activation: a JWT (RFC 7519) signed with the organization's
/// Ed25519 key (`alg: EdDSA`, RFC 8037), verifiable offline with the published JWK Set. It names the license key
/// by id and name only: the real key never leaves the server.
struct ActivationCertificate: JWTPayload, Equatable {
    struct Machine: Codable, Sendable, Equatable {
        var fingerprint: String
        var computerName: String
        var operatingSystem: String
        var serialNumber: String?
        var macAddress: String?
    }

    /// The certificate serial: what the revocation list names once the installation is deactivated.
    var jti: IDClaim
    /// The Herald server that issued it.
    var iss: IssuerClaim
    /// The installation's id.
    var sub: SubjectClaim
    var iat: IssuedAtClaim
    /// The license key's expiry, when it has one.
    var exp: ExpirationClaim?
    var organization: String
    var product: String
    var licenseKeyID: String
    var licenseKeyName: String
    var machine: Machine
    var publicKeyURL: String
    var revocationListURL: String
    /// For a computer activated offline: the key its request was signed with (RFC 7800 `cnf`), so the product can
    /// tell its certificate was issued to the key it holds. Absent for online activations (same bytes as before).
    var cnf: Confirmation?

    struct Confirmation: Codable, Sendable, Equatable {
        /// RFC 7638 thumbprint of the machine's public key (`OfflineActivationKeys.thumbprint`), as RFC 9449 names it.
        var jkt: String
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp?.verifyNotExpired()
    }
}

extension ActivationCertificate {
    static func make(installation: ActivatedInstallation, key: LicenseKeyTerms, publicURL: URL,
                     boundKey: String? = nil) -> ActivationCertificate {
        let organizationID = key.organizationID
        return ActivationCertificate(
            jti: IDClaim(value: installation.certificateSerial),
            iss: IssuerClaim(value: publicURL.absoluteString),
            sub: SubjectClaim(value: installation.id.uuidString),
            // Whole seconds, so that re-issuing for an idempotent re-activation gives the very same certificate.
            iat: IssuedAtClaim(value: Date(timeIntervalSince1970: installation.activatedAt.timeIntervalSince1970.rounded(.down))),
            exp: key.expiresAt.map { ExpirationClaim(value: $0) },
            organization: organizationID.uuidString, product: key.product,
            licenseKeyID: key.id.uuidString, licenseKeyName: key.name,
            machine: Machine(
                fingerprint: installation.machine.fingerprint, computerName: installation.machine.computerName,
                operatingSystem: installation.machine.operatingSystem, serialNumber: installation.machine.serialNumber,
                macAddress: installation.machine.macAddress
            ),
            publicKeyURL: ActivationURLs.publicKeys(organizationID: organizationID, base: publicURL),
            revocationListURL: ActivationURLs.revocationList(organizationID: organizationID, base: publicURL),
            cnf: boundKey.map { Confirmation(jkt: $0) }
        )
    }
}

/// Issues an installation's certificate once, at activation, and hands the same one back afterwards.
///
/// Products activate again (on reinstall, when the certificate file was lost, in retry loops) and should get the
/// very same certificate: kept with the installation, it is returned as issued. It is signed afresh (same claims,
/// so the same bytes: Ed25519 signatures are deterministic) only for installations activated before certificates
/// were kept, and when `HERALD_PUBLIC_URL` changed since, because the claims name addresses under it. The
/// signing key, the key's name and terms, the installation's machine and the key it is bound to (`cnf`, offline
/// activation) never change once issued.
enum ActivationCertificates {
    static func keep(signer: ActivationSigner, for installation: Installation, key: LicenseKey, publicURL: URL, boundKey: String?) throws {
        let claims = ActivationCertificate.make(installation: try ActivatedInstallation(installation), key: try LicenseKeyTerms(key),
                                                publicURL: publicURL, boundKey: boundKey)
        installation.certificate = try signer.sign(claims)
        installation.certificateIssuer = publicURL.absoluteString
    }

    /// The certificate kept from activation, if it was issued under `publicURL`.
    static func kept(_ installation: ActivatedInstallation, publicURL: URL) -> String? {
        guard let certificate = installation.certificate, installation.certificateIssuer == publicURL.absoluteString else { return nil }
        return certificate
    }

    static func certificate(
        for installation: ActivatedInstallation, key: LicenseKeyTerms, signers: ActivationSigners, publicURL: URL,
        on db: @autoclosure () -> any Database
    ) async throws -> String {
        if let kept = kept(installation, publicURL: publicURL) { return kept }
        let signer = try await signers.signer(organizationID: key.organizationID, on: db())
        return try signer.sign(ActivationCertificate.make(installation: installation, key: key, publicURL: publicURL,
                                                          boundKey: installation.certificate.flatMap(boundKey(of:))))
    }

    /// The machine key a kept certificate was bound to (offline activation), so that signing it again under a new
    /// public URL keeps the binding. Read without verifying: the certificate is the one this server kept.
    static func boundKey(of certificate: String) -> String? {
        struct Claims: Decodable { let cnf: ActivationCertificate.Confirmation? }
        let parts = certificate.split(separator: ".")
        guard parts.count == 3, let payload = OfflineActivationKeys.decodeBase64URL(String(parts[1])) else { return nil }
        return (try? JSONDecoder().decode(Claims.self, from: payload))?.cnf?.jkt
    }
}

/// The documented public URLs products use without an API token.
enum ActivationURLs {
    static func publicKeys(organizationID: UUID, base: URL) -> String {
        join(base, "api/v1/organizations/\(organizationID.uuidString)/activation-keys")
    }

    static func revocationList(organizationID: UUID, base: URL) -> String {
        join(base, "api/v1/organizations/\(organizationID.uuidString)/revoked-certificates")
    }

    static func heartbeat(installationID: UUID, base: URL) -> String {
        join(base, "api/v1/installations/\(installationID.uuidString)/heartbeat")
    }

    static func deactivation(installationID: UUID, base: URL) -> String {
        join(base, "api/v1/installations/\(installationID.uuidString)/deactivate")
    }

    static func downloadPage(token: String, base: URL) -> String {
        join(base, "install/\(token)")
    }

    static func join(_ base: URL, _ path: String) -> String {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text + "/" + path
    }
}
