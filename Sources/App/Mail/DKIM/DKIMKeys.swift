import DKIM
import Fluent
import Foundation
import HeraldCore
import Vapor

/// An organization's DKIM keys and their rotation: a new key is generated as pending (its record to be published),
/// then activated (it signs from then on, and the key it replaces is retired in the same transaction), so a domain
/// is never without a signing key while its record changes. Two selectors take turns (`herald1`, `herald2`): the
/// retired key's record stays in DNS under its own name for the mail it signed that is still on its way.
package enum DKIMKeys {
    static let defaultSelectors = ["herald1", "herald2"]

    package struct GenerateInput: Content {
        var domain: String
        var algorithm: String?
        var selector: String?

        package init(domain: String, algorithm: String? = nil, selector: String? = nil) {
            self.domain = domain
            self.algorithm = algorithm
            self.selector = selector
        }
    }

    /// The form's values checked: the domain lowercased ASCII (an internationalized one as its A-labels, the form
    /// of `d=` and of the record's name, RFC 6376 3.5), the selector a DNS label, the algorithm one we sign with.
    static func validated(_ input: GenerateInput) throws -> (domain: String, algorithm: DKIMAlgorithm, selector: String?) {
        let typed = input.domain.trimmingCharacters(in: .whitespaces)
        guard let domain = DomainName.ascii(typed), domain.contains("."), DKIMSigner.isDomainName(domain) else {
            throw Abort(.unprocessableEntity, reason: "domain: must be a DNS domain such as example.com or bücher.example")
        }
        let algorithmText = (input.algorithm ?? "").isEmpty ? DKIMAlgorithm.rsaSHA256.rawValue : input.algorithm!
        guard let algorithm = DKIMAlgorithm(rawValue: algorithmText) else {
            throw Abort(.unprocessableEntity, reason: "algorithm: must be rsa-sha256 or ed25519-sha256")
        }
        var selector: String?
        if let typed = input.selector?.trimmingCharacters(in: .whitespaces).lowercased(), !typed.isEmpty {
            guard DKIMSigner.isDomainName(typed), typed.utf8.count <= 63 else {
                throw Abort(.unprocessableEntity, reason: "selector: letters, digits, hyphens and dots only, at most 63 characters")
            }
            selector = typed
        }
        return (domain, algorithm, selector)
    }

    static func list(organizationID: UUID, on db: any Database) async throws -> [DKIMKey] {
        try await DKIMKey.query(on: db).filter(\.$organization.$id == organizationID)
            .sort(\.$domain).sort(\.$createdAt, .descending).all()
    }

    static func find(_ id: UUID, organizationID: UUID, on db: any Database) async throws -> DKIMKey {
        guard let key = try await DKIMKey.query(on: db).filter(\.$id == id).filter(\.$organization.$id == organizationID).first()
        else { throw Abort(.notFound, reason: "DKIM key not found") }
        return key
    }

    /// A new pending key. Refused with 409 while the domain already has one waiting: finish or retire that rotation first.
    @discardableResult
    package static func generate(_ input: GenerateInput, organizationID: UUID, actor: AuditActor, secretBox: SecretBox, on db: any Database) async throws -> DKIMKey {
        let (domain, algorithm, typedSelector) = try validated(input)
        // RSA 2048 generation takes up to a few hundred milliseconds: on a thread of its own, outside the transaction.
        let privateKey = try await OwnThread.run { Result { try DKIMPrivateKey.generate(algorithm) } }.get()
        let sealed = try secretBox.seal(privateKey.storedRepresentation.base64EncodedString())
        return try await db.transaction { db in
            let live = try await DKIMKey.query(on: db).filter(\.$organization.$id == organizationID)
                .filter(\.$domain == domain).filter(\.$status != .retired).all()
            if live.contains(where: { $0.status == .pending }) {
                throw Abort(.conflict, reason: "domain: a new key for \(domain) is already waiting to be published and activated; activate or retire it first")
            }
            let selector = typedSelector ?? defaultSelectors.first { name in !live.contains { $0.selector == name } } ?? "herald\(live.count + 1)"
            if live.contains(where: { $0.selector == selector }) {
                throw Abort(.conflict, reason: "selector: \(selector) is in use by the active key of \(domain); choose another")
            }
            let key = DKIMKey()
            key.$organization.id = organizationID
            key.domain = domain
            key.selector = selector
            key.algorithm = algorithm
            key.publicKey = privateKey.publicKeyBase64
            key.privateKeyCiphertext = sealed
            key.status = .pending
            key.liveSelector = selector
            try await key.create(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .dkimKeyCreated,
                                      targetType: "dkim_key", targetID: key.id, targetLabel: key.dnsName,
                                      details: "algorithm: \(algorithm.rawValue)")
            return key
        }
    }

    /// The pending key starts signing; the domain's active key (if any) is retired in the same transaction.
    @discardableResult
    package static func activate(_ id: UUID, organizationID: UUID, actor: AuditActor, now: Date = Date(), on db: any Database) async throws -> DKIMKey {
        try await db.transaction { db in
            let key = try await find(id, organizationID: organizationID, on: db)
            guard key.status == .pending else {
                throw Abort(.conflict, reason: "status: only a pending key can be activated; this one is \(key.status.rawValue)")
            }
            let previous = try await DKIMKey.query(on: db).filter(\.$organization.$id == organizationID)
                .filter(\.$domain == key.domain).filter(\.$status == .active).all()
            for old in previous {
                try await retire(old, actor: actor, now: now, reason: "replaced by \(key.dnsName)", on: db)
            }
            key.status = .active
            key.activeDomain = key.domain
            key.activatedAt = now
            try await key.save(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .dkimKeyActivated,
                                      targetType: "dkim_key", targetID: key.id, targetLabel: key.dnsName,
                                      details: previous.isEmpty ? nil : "replaces \(previous.map(\.dnsName).joined(separator: ", "))")
            return key
        }
    }

    static func retire(_ id: UUID, organizationID: UUID, actor: AuditActor, now: Date = Date(), on db: any Database) async throws -> DKIMKey {
        try await db.transaction { db in
            let key = try await find(id, organizationID: organizationID, on: db)
            guard key.status != .retired else { throw Abort(.conflict, reason: "status: this key is already retired") }
            try await retire(key, actor: actor, now: now, reason: key.status == .active ? "withdrawn: \(key.domain) is no longer signed" : "withdrawn before activation", on: db)
            return key
        }
    }

    private static func retire(_ key: DKIMKey, actor: AuditActor, now: Date, reason: String, on db: any Database) async throws {
        key.status = .retired
        key.liveSelector = nil
        key.activeDomain = nil
        key.retiredAt = now
        try await key.save(on: db)
        try await AuditLog.record(on: db, organizationID: key.$organization.id, actor: actor, action: .dkimKeyRetired,
                                  targetType: "dkim_key", targetID: key.id, targetLabel: key.dnsName, details: reason)
    }
}
