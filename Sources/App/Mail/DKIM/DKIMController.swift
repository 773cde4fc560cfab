import DKIM
import Fluent
import Vapor

/// Console page `/console/mail/dkim`: the organization's DKIM keys, the record to publish for each, rotation, and
/// the check of what DNS publishes.
struct DKIMController {
    struct Row: Encodable {
        let id: String
        let domain: String
        let selector: String
        let algorithm: String
        let status: DKIMKeyStatus
        let dnsName: String
        let record: String
        /// The record as a zone-file line: TXT strings are at most 255 bytes (RFC 1035 3.3.14), an RSA key is longer.
        let zoneLine: String
        let created: String
        let activated: String
        let retired: String
        let check: DKIMDNSCheck.Result?
    }

    struct ViewModel: Encodable {
        let rows: [Row]
        let senderDomain: String
        let algorithms: [String]
    }

    func page(_ req: Request) async throws -> View {
        try await render(req, check: nil)
    }

    func render(_ req: Request, check: DKIMDNSCheck.Result?) async throws -> View {
        let organizationID = try req.console.organizationID
        let keys = try await DKIMKeys.list(organizationID: organizationID, on: req.db)
        let settings = try await MailSettingsStore.settings(for: organizationID, on: req.db)
        let rows = try keys.map { key in
            let id = try key.requireID()
            return Row(id: id.uuidString, domain: key.domain, selector: key.selector, algorithm: key.algorithm.rawValue, status: key.status,
                       dnsName: key.dnsName, record: key.dnsRecord, zoneLine: Self.zoneLine(key),
                       created: DisplayDate.format(key.createdAt), activated: DisplayDate.format(key.activatedAt),
                       retired: DisplayDate.format(key.retiredAt), check: check?.keyID == id ? check : nil)
        }
        let senderDomain = settings.senderAddress.split(separator: "@").last.map(String.init) ?? ""
        return try await req.renderPage("dkim", section: .mail, title: "DKIM keys",
                                        ViewModel(rows: rows, senderDomain: senderDomain, algorithms: DKIMAlgorithm.allCases.map(\.rawValue)))
    }

    static func zoneLine(_ key: DKIMKey) -> String {
        var strings: [String] = []
        var rest = Substring(key.dnsRecord)
        while !rest.isEmpty {
            strings.append("\"" + rest.prefix(250) + "\"")
            rest = rest.dropFirst(250)
        }
        return "\(key.dnsName). IN TXT ( \(strings.joined(separator: " ")) )"
    }

    func generate(_ req: Request) async throws -> Response {
        let context = try req.console
        let input = try req.content.decode(DKIMKeys.GenerateInput.self)
        let key = try await DKIMKeys.generate(input, organizationID: context.organizationID, actor: context.actor,
                                              secretBox: req.herald.secretBox, on: req.db)
        req.flash("Key \(key.dnsName) created. Publish its TXT record, check it below, then activate it.")
        return req.redirect(to: "/console/mail/dkim")
    }

    func activate(_ req: Request) async throws -> Response {
        let context = try req.console
        let key = try await DKIMKeys.activate(try Self.id(req), organizationID: context.organizationID, actor: context.actor, on: req.db)
        req.flash("Key \(key.dnsName) now signs every message from \(key.domain). Keep the retired key's record published for a week: mail it signed may still be on its way.")
        return req.redirect(to: "/console/mail/dkim")
    }

    func retire(_ req: Request) async throws -> Response {
        let context = try req.console
        let key = try await DKIMKeys.retire(try Self.id(req), organizationID: context.organizationID, actor: context.actor, on: req.db)
        req.flash("Key \(key.dnsName) retired.")
        return req.redirect(to: "/console/mail/dkim")
    }

    func check(_ req: Request) async throws -> View {
        let key = try await DKIMKeys.find(try Self.id(req), organizationID: try req.console.organizationID, on: req.db)
        return try await render(req, check: try await DKIMDNSCheck.check(key, server: req.herald.configuration.dnsServer))
    }

    static func id(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound, reason: "DKIM key not found") }
        return id
    }
}

/// `/api/v1/dkim-keys`.
extension APIController {
    struct DKIMKeyDTO: Content {
        let id: UUID
        let domain: String
        let selector: String
        let algorithm: String
        let status: DKIMKeyStatus
        /// Where to publish `record` as a TXT record.
        let dnsName: String
        let record: String
        let createdAt: Date?
        let activatedAt: Date?
        let retiredAt: Date?

        init(_ key: DKIMKey) throws {
            id = try key.requireID()
            domain = key.domain
            selector = key.selector
            algorithm = key.algorithm.rawValue
            status = key.status
            dnsName = key.dnsName
            record = key.dnsRecord
            createdAt = key.createdAt
            activatedAt = key.activatedAt
            retiredAt = key.retiredAt
        }
    }

    func dkimKeys(_ req: Request) async throws -> [DKIMKeyDTO] {
        try await DKIMKeys.list(organizationID: req.api.organizationID, on: req.db).map(DKIMKeyDTO.init)
    }

    func createDKIMKey(_ req: Request) async throws -> Response {
        let context = try req.api
        let input = try req.content.decode(DKIMKeys.GenerateInput.self)
        let key = try await DKIMKeys.generate(input, organizationID: context.organizationID, actor: context.actor,
                                              secretBox: req.herald.secretBox, on: req.db)
        return try await DKIMKeyDTO(key).encodeResponse(status: .created, for: req)
    }

    func activateDKIMKey(_ req: Request) async throws -> DKIMKeyDTO {
        let context = try req.api
        return try DKIMKeyDTO(try await DKIMKeys.activate(try DKIMController.id(req), organizationID: context.organizationID, actor: context.actor, on: req.db))
    }

    func retireDKIMKey(_ req: Request) async throws -> DKIMKeyDTO {
        let context = try req.api
        return try DKIMKeyDTO(try await DKIMKeys.retire(try DKIMController.id(req), organizationID: context.organizationID, actor: context.actor, on: req.db))
    }

    func checkDKIMKey(_ req: Request) async throws -> DKIMDNSCheck.Result {
        let key = try await DKIMKeys.find(try DKIMController.id(req), organizationID: try req.api.organizationID, on: req.db)
        return try await DKIMDNSCheck.check(key, server: req.herald.configuration.dnsServer)
    }
}
