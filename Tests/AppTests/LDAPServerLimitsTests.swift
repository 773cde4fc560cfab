@testable import App
import Foundation
import HeraldCore
import Testing
import Vapor
import VaporTesting

/// Directory settings must not turn Herald into a probe of its operator's network, as mail settings must not
/// (`MailServerLimitsTests`): the operator lists the LDAP servers organizations may sync from.
@Suite("LDAP settings: only the servers the operator allows")
struct LDAPServerLimitsTests {
    static let operatorAllows = "*:389, *:636, *:3268, *:3269"

    @Test("a directory outside HERALD_LDAP_ALLOWED_HOSTS is refused on saving, by the API naming the field, and on connecting when saved before the list narrowed")
    func serverOutsideTheOperatorsListIsRefused() async throws {
        try await withHerald({ $0.ldapServers = .ldapStandard }) { app in
            // given: the test slapd listens on a random loopback port, not a directory port
            let fixture = try await LDAPSyncFixture.make(app)
            let narrow = LDAPSettingsStore(box: app.herald.secretBox, servers: .ldapStandard)
            // when
            let saved = await Result { try await narrow.save(fixture.input(), organizationID: fixture.organizationID, actor: .commandLine, on: app.db) }
            let token = try await fixture.apiToken()
            let api = try await app.testing().sendRequest(.PUT, "/api/v1/directory/ldap", headers: [
                "Authorization": "Bearer \(token)", "Content-Type": "application/json",
            ], body: ByteBuffer(data: try JSONEncoder().encode(fixture.input())))
            // settings an operator's earlier, wider list let through
            try await LDAPSettingsStore(box: app.herald.secretBox, servers: .anyServer)
                .save(fixture.input(), organizationID: fixture.organizationID, actor: .commandLine, on: app.db)
            let connecting = await Result { try await narrow.connection(of: fixture.organizationID, on: app.db) }
            let allowedElsewhere = LDAPSettingsInput.refusal(url: "ldaps://dc1.corp.example", by: .ldapStandard)
            // then
            guard case .failure(let refusal as ValidationProblems) = saved else { Issue.record("saved: \(saved)"); return }
            #expect(refusal.problems.contains { $0.hasPrefix("url: ") && $0.hasSuffix("is not allowed on this Herald (its operator allows \(Self.operatorAllows))") },
                    "\(refusal.problems)")
            #expect(api.status == .badRequest)
            #expect(try api.content.get(String.self, at: "reason").contains("url: ") && api.body.string.contains("is not allowed on this Herald"), "\(api.body.string)")
            guard case .failure(let abort as Abort) = connecting else { Issue.record("connected: \(connecting)"); return }
            #expect(abort.status == .conflict && abort.reason.hasPrefix("url: ") && abort.reason.contains("is not allowed on this Herald"))
            #expect(allowedElsewhere == nil, "ldaps:// on 636 is a directory port")
        }
    }
}
