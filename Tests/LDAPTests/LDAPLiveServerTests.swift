import Foundation
import LiveServerSupport
import Logging
import NIOPosix
import Testing

@testable import LDAP

/// Against the real OpenLDAP slapd of scripts/test-servers (2,500 users, 120 groups, size limit 500).
@Suite(.serialized) struct LDAPLiveServerTests {
    let server: LDAPLiveServer

    init() throws {
        server = try LDAPLiveServer.fromEnvironment()
    }

    private func configuration(_ url: String, ca: String?) throws -> LDAPConfiguration {
        try LDAPConfiguration(url: url, caCertificatePEM: ca, connectTimeout: .seconds(10), responseTimeout: .seconds(30))
    }

    private func connect(_ url: String, ca: String?) async throws -> LDAPClient {
        try await LDAPClient.connect(try configuration(url, ca: ca), eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                     logger: Logger(label: "herald.ldap.tests"))
    }

    private func boundClient(_ url: String? = nil) async throws -> LDAPClient {
        let client = try await connect(url ?? server.url, ca: server.caCertificatePEM)
        try await client.bind(dn: server.bindDN, password: server.bindPassword)
        return client
    }

    private func failure(_ work: () async throws -> Void) async -> LDAPError? {
        do {
            try await work()
            return nil
        } catch let error as LDAPError {
            return error
        } catch {
            Issue.record("not an LDAPError: \(error)")
            return nil
        }
    }

    @Test(arguments: ["starttls", "ldaps"])
    func bindsAndReadsAUserOverTLS(mode: String) async throws {
        let client = try await boundClient(mode == "ldaps" ? server.ldapsURL : server.url)
        let request = LDAPSearchRequest(baseDN: server.baseDN, filter: "(uid=user000002)",
                                        attributes: ["uid", "mail", "displayName", "employeeType", "entryUUID"])
        var entries: [LDAPEntry] = []
        for try await entry in try client.search(request) { entries.append(entry) }
        await client.close()
        let entry = try #require(entries.first)
        #expect(entries.count == 1)
        #expect(entry.dn == "uid=user000002,ou=people,\(server.baseDN)")
        #expect(entry.string("mail") == "user000002@herald.test")
        #expect(entry.string("employeeType") == "disabled")
        #expect(entry.string("entryUUID")?.count == 36)
    }

    @Test(arguments: ["starttls", "ldaps"])
    func anUntrustedCertificateIsATLSFailure(mode: String) async {
        let error = await failure { _ = try await connect(mode == "ldaps" ? server.ldapsURL : server.url, ca: nil) }
        #expect(error?.kind == .tlsFailed)
        #expect(error?.tlsFailure == .untrustedCertificate)
        #expect(error?.explanation.contains("not trusted") == true)
    }

    @Test func aCertificateForAnotherNameIsANameMismatch() async {
        let error = await failure { _ = try await connect(server.unnamedLDAPSURL, ca: server.caCertificatePEM) }
        #expect(error?.tlsFailure == .hostnameMismatch("127.0.0.2"))
    }

    @Test func aWrongPasswordIsInvalidCredentials() async throws {
        let client = try await connect(server.url, ca: server.caCertificatePEM)
        let error = await failure { try await client.bind(dn: server.bindDN, password: "wrong") }
        await client.close()
        #expect(error?.kind == .invalidCredentials)
        #expect(error?.resultCode == .invalidCredentials)
        #expect(error?.explanation.contains("rejected the bind DN or password") == true)
    }

    @Test func withoutPagingTheServersSizeLimitIsReported() async throws {
        let client = try await boundClient()
        var count = 0
        let error = await failure {
            for try await _ in try client.search(LDAPSearchRequest(baseDN: server.baseDN, filter: "(objectClass=inetOrgPerson)", pageSize: nil)) {
                count += 1
            }
        }
        #expect(error?.kind == .sizeLimitExceeded)
        #expect(count == server.sizeLimit)
        // The connection goes on after a failed search.
        let again = try client.search(LDAPSearchRequest(baseDN: server.baseDN, filter: "(uid=user000001)", pageSize: nil))
        var found = 0
        for try await _ in again { found += 1 }
        #expect(found == 1)
        await client.close()
    }

    @Test(arguments: [100, 1000])
    func pagingReturnsEveryUser(pageSize: Int) async throws {
        let client = try await boundClient()
        let request = LDAPSearchRequest(baseDN: "ou=people,\(server.baseDN)", scope: .singleLevel,
                                        filter: "(objectClass=inetOrgPerson)", attributes: ["uid"], pageSize: pageSize)
        var uids = Set<String>()
        var batches = 0
        var iterator = try client.search(request).makeAsyncIterator()
        while let batch = try await iterator.nextBatch() {
            #expect(batch.count <= pageSize)
            batches += 1
            for entry in batch { uids.insert(entry.string("uid") ?? "") }
        }
        await client.close()
        #expect(uids.count == server.users)
        #expect(batches >= server.users / pageSize)
    }

    @Test func nestedGroupsListGroupsAndUsersAsMembers() async throws {
        let client = try await boundClient()
        var members: [String: [String]] = [:]
        let request = LDAPSearchRequest(baseDN: "ou=groups,\(server.baseDN)", filter: "(objectClass=groupOfNames)",
                                        attributes: ["member"], pageSize: 50)
        for try await entry in try client.search(request) { members[entry.dn] = entry.strings("member") }
        await client.close()
        #expect(members.count == server.groups)
        let top = try #require(members["cn=group0001,ou=groups,\(server.baseDN)"])
        #expect(top.allSatisfy { $0.hasPrefix("cn=group") })
        let second = try #require(top.first.flatMap { members[$0] })
        #expect(second.allSatisfy { $0.hasPrefix("cn=group") })
        let third = try #require(second.first.flatMap { members[$0] })
        #expect(!third.isEmpty && third.allSatisfy { $0.hasPrefix("uid=user") })
        let memberships = members.values.joined().filter { $0.hasPrefix("uid=") }
        #expect(Set(memberships).count == server.users)
    }

    @Test func aMissingBaseDNIsNoSuchObject() async throws {
        let client = try await boundClient()
        let error = await failure {
            for try await _ in try client.search(LDAPSearchRequest(baseDN: "ou=nowhere,\(server.baseDN)")) {}
        }
        await client.close()
        #expect(error?.kind == .searchFailed)
        #expect(error?.resultCode == .noSuchObject)
    }

    @Test func anInvalidFilterIsRefusedBeforeSending() async throws {
        let client = try await boundClient()
        let error = await failure { _ = try client.search(LDAPSearchRequest(baseDN: server.baseDN, filter: "(cn=a")) }
        await client.close()
        #expect(error?.kind == .invalidFilter)
    }

    @Test func aClosedPortIsConnectionRefused() async throws {
        let port = try closedPort()
        let error = await failure { _ = try await connect("ldap://127.0.0.1:\(port)", ca: server.caCertificatePEM) }
        #expect(error?.kind == .connectionRefused)
    }

    @Test func anUnknownHostIsADNSFailure() async {
        let error = await failure { _ = try await connect("ldaps://no-such-host.invalid", ca: nil) }
        #expect(error?.kind == .dnsFailure)
        #expect(error?.explanation.contains("DNS") == true)
    }
}

/// A loopback port nothing listens on: bound, read, closed.
func closedPort() throws -> Int {
    let socket = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
    let port = try #require(socket.localAddress?.port)
    try socket.close().wait()
    return port
}
