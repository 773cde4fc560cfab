@testable import App
import Fluent
import Foundation
import MIME
import Vapor
import VaporTesting

/// A license key with install invitations, made the way the console makes them, and activation requests.
enum LicenseFixtures {
    struct Invited {
        let organization: Organization
        let key: LicenseKey
        /// One row per invitee: email, activation code, download URL, expiry, status.
        let rows: [InstallInvitationExport.Row]
        var codes: [String] { rows.map(\.activationCode) }
    }

    static func key(_ app: Application, organization: Organization? = nil, seats: Int, expires: String? = nil,
                    secret: String = "REAL-SECRET-KEY-0001") async throws -> (Organization, LicenseKey) {
        let org: Organization
        if let organization { org = organization } else {
            org = Organization(name: "Acme \(UUID().uuidString.prefix(6))")
            try await org.create(on: app.db)
        }
        let input = try LicenseKeyInput(name: "Key \(UUID().uuidString.prefix(6))", product: "Herald Pro", seats: seats,
                                        expires: expires, secret: secret).validate().get()
        let key = try await LicenseKeyStore.create(input, organizationID: try org.requireID(), actor: .commandLine, secretBox: app.herald.secretBox, on: app.db)
        return (org, key)
    }

    static func invite(_ app: Application, organization: Organization? = nil, seats: Int, people: Int,
                       expiresAt: Date = Date().addingTimeInterval(7 * 86_400), language: Language = .en) async throws -> Invited {
        let (org, key) = try await key(app, organization: organization, seats: seats)
        let recipients = try (0..<people).map { try EmailAddress("person\($0)@example.com") }
        let result = try await InstallInvitationBatch.send(.init(
            keyID: try key.requireID(), recipients: recipients, language: language, expiresAt: expiresAt, inviterID: nil, actor: .commandLine
        ), mailer: app.herald.mailer, secrets: app.herald.installInvitationSecrets,
           turns: app.herald.installInvitationTurns, on: app.db)
        let rows = try await InstallInvitationExport.rows(batchID: result.batchID, organizationID: try org.requireID(), limit: people + 1,
                                                          secrets: app.herald.installInvitationSecrets, on: app.db)
        return Invited(organization: org, key: key, rows: rows)
    }

    static func activate(_ app: Application, code: String, fingerprint: String, computerName: String = "Ada's MacBook",
                         extra: [String: String] = [:], acceptLanguage: String? = nil) async throws -> TestingHTTPResponse {
        var body = ["code": code, "fingerprint": fingerprint, "computerName": computerName, "operatingSystem": "macOS 15.1",
                    "serialNumber": "C02XYZ", "macAddress": "a4-83-e7-01-02-03"]
        body.merge(extra) { $1 }
        var headers = HTTPHeaders()
        headers.contentType = .json
        if let acceptLanguage { headers.replaceOrAdd(name: .acceptLanguage, value: acceptLanguage) }
        return try await app.testing().sendRequest(.POST, "/api/v1/activations", headers: headers,
                                                   body: ByteBuffer(data: try JSONEncoder().encode(body)))
    }
}
