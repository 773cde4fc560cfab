import Fluent
import Foundation
import HeraldCore

/// Turns an offline activation request file (`SignedOfflineActivationRequest`) into a response file, on behalf of a
/// computer without internet.
///
/// The activation itself is `Activation`'s, unchanged: the same code checks, the same `SeatLock`, the same
/// idempotence. A replayed request describes the same machine (fingerprint), so it is answered with the same
/// installation and certificate and never takes a second seat. What this adds: the request's signature is checked
/// first (a file altered on the way is refused before its code is looked at), a new certificate names the machine's
/// key (`cnf`), and the answer is signed with the organization's key, naming the request's nonce and key, so the
/// computer can check offline that the response is for its own request and untouched.
struct OfflineActivation: Sendable {
    let activation: Activation

    /// Who carried the request to Herald, for the audit log.
    enum Channel: Sendable {
        case api
        case installPage
        case console(AuditActor)

        var words: String {
            switch self {
            case .api: "through the API"
            case .installPage: "uploaded on the install page"
            case .console(let actor): "uploaded in the console by \(actor.label)"
            }
        }

        var actor: AuditActor {
            if case .console(let actor) = self { actor } else { .system }
        }
    }

    struct Answer: Sendable {
        let file: OfflineActivationResponseFile
        /// A seat was taken now (false: the same machine already held one).
        let created: Bool
    }

    /// `keyID`: the console's key page answers only for codes of its own key.
    func answer(_ data: Data, keyID: UUID? = nil, channel: Channel, on db: any Database) async throws -> Answer {
        let request: OfflineActivationRequest
        do { request = try SignedOfflineActivationRequest.verified(data) } catch { throw OfflineActivationError.request(error) }
        let machine = try MachineDescription.validated(
            fingerprint: request.machine.fingerprint, computerName: request.machine.computerName,
            operatingSystem: request.machine.operatingSystem, serialNumber: request.machine.serialNumber,
            macAddress: request.machine.macAddress
        )
        let code = request.code.trimmingWhitespace()
        if let keyID, let found = try await ActivationLookup.find(codeHash: ActivationCode.hash(code), reads: activation.reads, on: db),
           found.key.id != keyID {
            throw OfflineActivationError.codeOfAnotherKey
        }
        let thumbprint = request.keyThumbprint
        let outcome = try await activation.activate(code: code, machine: machine, boundKey: thumbprint, on: db)
        let installation = outcome.installation, key = outcome.key
        let certificate = try await ActivationCertificates.certificate(
            for: installation, key: key, signers: activation.signers, publicURL: activation.publicURL, on: db
        )
        let publicURL = activation.publicURL
        let claims = OfflineActivationResponseClaims(
            iss: .init(value: publicURL.absoluteString), iat: .init(value: installation.activatedAt),
            sub: .init(value: installation.id.uuidString), nonce: request.nonce, requestKey: thumbprint,
            certificate: certificate, certificateSerial: installation.certificateSerial,
            installationKey: activation.installationKeys.key(for: installation.id),
            product: key.product, licenseKeyName: key.name,
            publicKeyURL: ActivationURLs.publicKeys(organizationID: key.organizationID, base: publicURL),
            revocationListURL: ActivationURLs.revocationList(organizationID: key.organizationID, base: publicURL),
            heartbeatURL: ActivationURLs.heartbeat(installationID: installation.id, base: publicURL)
        )
        let signer = try await activation.signers.signer(organizationID: key.organizationID, on: db)
        let created = if case .activated = outcome { true } else { false }
        try await AuditLog.record(
            on: db, organizationID: key.organizationID, actor: channel.actor, action: .installationActivatedOffline,
            targetType: "installation", targetID: installation.id, targetLabel: installation.machine.computerName,
            details: "key \(key.name), offline request \(request.nonce.prefix(8))… \(channel.words); "
                + (created ? "seat taken" : "answered again, same installation")
        )
        return Answer(file: OfflineActivationResponseFile(signed: try signer.sign(claims), publicKeyURL: claims.publicKeyURL),
                      created: created)
    }
}
