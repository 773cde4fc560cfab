import Foundation
import HeraldCore
import LDAP
import Logging
import NIOCore

/// What a sync or a connection test needs of `LDAPSettings`, with the bind password opened: built per use and
/// never stored or logged.
struct LDAPConnectionSettings: Sendable {
    let url: String
    let caCertificatePEM: String?
    let bindDN: String
    let password: String
    let userBaseDN: String
    let groupBaseDN: String
    let mapping: LDAPAttributeMapping
    let syncIntervalMinutes: Int

    init(_ settings: LDAPSettings, box: SecretBox) throws {
        url = settings.url
        caCertificatePEM = settings.caCertificatePEM
        bindDN = settings.bindDN
        password = try settings.passwordCiphertext.map { try box.open($0) } ?? ""
        userBaseDN = settings.userBaseDN
        groupBaseDN = settings.groupBaseDN
        mapping = settings.mapping
        syncIntervalMinutes = settings.syncIntervalMinutes
    }

    /// Connects (StartTLS for `ldap://`) and binds; the caller closes the client.
    func connect(group: any EventLoopGroup, logger: Logger) async throws(LDAPError) -> LDAPClient {
        let configuration = try LDAPConfiguration(url: url, caCertificatePEM: caCertificatePEM)
        let client = try await LDAPClient.connect(configuration, eventLoopGroup: group, logger: logger)
        do {
            try await client.bind(dn: bindDN, password: password)
        } catch {
            await client.close()
            throw error
        }
        return client
    }
}
