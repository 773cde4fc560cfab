import DKIM
import Fluent
import Foundation
import HeraldCore
import MIME
import NIOConcurrencyHelpers

/// The active DKIM signers for one batch of outgoing mail, by organization and domain.
struct DKIMSigning: Sendable {
    static let none = DKIMSigning(signers: [:])
    let signers: [UUID: [String: DKIMSigner]]

    /// The organization's signer for the From domain, or for the nearest parent domain that has one (mail from
    /// `news.example.com` signed by `example.com` still aligns for DMARC's relaxed mode, RFC 7489 3.1.1). Keys are
    /// stored under A-labels, so an internationalized From domain (`bücher.example`) is looked up as its A-labels.
    func signer(organizationID: UUID?, fromDomain: String) -> DKIMSigner? {
        guard let organizationID, let domains = signers[organizationID], !domains.isEmpty else { return nil }
        var name = Substring(DomainName.ascii(fromDomain) ?? fromDomain.lowercased())
        while true {
            if let signer = domains[String(name)] { return signer }
            guard let dot = name.firstIndex(of: ".") else { return nil }
            name = name[name.index(after: dot)...]
        }
    }

    /// The rendered message, signed when its organization has an active key for its From domain.
    func sign(_ rendered: [UInt8], organizationID: UUID?, from: EmailAddress, at time: Date) throws -> [UInt8] {
        guard let signer = signer(organizationID: organizationID, fromDomain: from.domain) else { return rendered }
        return try signer.sign(rendered, at: time)
    }
}

/// Opens organizations' active DKIM keys for the outbox. Which key is active is read from the database for every
/// batch (a rotation on another instance takes effect at once), but a key row's private key never changes, so
/// each is decrypted and parsed once per process and kept by row id.
final class DKIMSigners: Sendable {
    private let secretBox: SecretBox
    private let opened = NIOLockedValueBox<[UUID: DKIMSigner]>([:])

    init(secretBox: SecretBox) {
        self.secretBox = secretBox
    }

    func signing(for organizationIDs: some Sequence<UUID?>, on db: any Database) async throws -> DKIMSigning {
        let ids = Set(organizationIDs.compactMap { $0 })
        guard !ids.isEmpty else { return .none }
        let keys = try await DKIMKey.query(on: db).filter(\.$organization.$id ~~ ids).filter(\.$status == .active).all()
        var signers: [UUID: [String: DKIMSigner]] = [:]
        for key in keys {
            signers[key.$organization.id, default: [:]][key.domain] = try signer(for: key)
        }
        return DKIMSigning(signers: signers)
    }

    func signer(for key: DKIMKey) throws -> DKIMSigner {
        let id = try key.requireID()
        if let cached = opened.withLockedValue({ $0[id] }) { return cached }
        guard let stored = Data(base64Encoded: try secretBox.open(key.privateKeyCiphertext)) else {
            throw DKIMKeyError.unreadablePrivateKey
        }
        let signer = try DKIMSigner(domain: key.domain, selector: key.selector,
                                    key: try DKIMPrivateKey(algorithm: key.algorithm, storedRepresentation: stored))
        opened.withLockedValue { $0[id] = signer }
        return signer
    }
}
