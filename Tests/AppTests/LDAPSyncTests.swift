@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor
import VaporTesting

/// Directory sync from a real OpenLDAP slapd (scripts/test-servers): its fixture of 2,500 people in 120 groups three
/// levels deep with a size limit of 500 (so only paging reads them all), and units of each test's own for changes.
@Suite("LDAP directory sync")
struct LDAPSyncTests {
    @Test("the fixture's 2,500 people and 120 nested groups arrive, the disabled one disabled; a second sync changes nothing")
    func fullSync() async throws {
        try await withHerald { app in
            let fixture = try await LDAPSyncFixture.make(app)
            try await fixture.configure(fixture.input())
            let first = try await fixture.sync()
            #expect(first.status == .succeeded, "\(first.error ?? "")")
            #expect(first.usersAdded == 2500 && first.groupsAdded == 120, "\(LDAPDirectorySync.summary(first))")
            let users = try await fixture.users()
            #expect(users.count == 2500)
            #expect(users.allSatisfy { $0.source == .ldap && $0.externalID?.count == 36 })
            #expect(users.first { $0.userName == "user000002" }?.enabled == false, "employeeType: disabled")
            #expect(users.filter { !$0.enabled }.count == 1)
            // Groups hold groups: a top group reaches people only through the groups inside it.
            let graph = try await DirectoryStore.graph(of: fixture.organizationID, on: app.db)
            let groups = try await DirectoryGroup.query(on: app.db).filter(\.$organization.$id == fixture.organizationID).all()
            let nestedEdges = try await DirectoryGroupMember.query(on: app.db).filter(\.$memberGroup.$id != nil).count()
            #expect(nestedEdges > 0)
            let reach = try groups.map { graph.recipients(users: [], groups: [try $0.requireID()]).count }
            #expect(reach.max() ?? 0 > 100, "a top group reaches the people of the groups inside it")

            let second = try await fixture.sync()
            #expect(second.status == .succeeded)
            let changes: [Int] = [second.usersAdded, second.usersUpdated, second.usersDisabled, second.usersRemoved,
                                  second.groupsAdded, second.groupsUpdated, second.groupsRemoved]
            #expect(changes.allSatisfy { $0 == 0 }, "\(LDAPDirectorySync.summary(second))")
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == .directorySynced).count()
            #expect(audit == 2)
        }
    }

    @Test("a person removed, renamed and disabled between two syncs: kept disabled, followed by entryUUID, invitations revoked")
    func changesBetweenSyncs() async throws {
        try await withHerald { app in
            let fixture = try await LDAPSyncFixture.make(app, blockMembers: true)
            let unit = try fixture.makeUnit(people: 5)
            try await fixture.configure(fixture.input(users: unit, groups: unit))
            let first = try await fixture.sync()
            #expect(first.usersAdded == 5 && first.groupsAdded == 1, "\(LDAPDirectorySync.summary(first))")
            let before = Dictionary(uniqueKeysWithValues: try await fixture.users().map { ($0.userName ?? "", $0) })
            let removed = try #require(before["p0"]), renamed = try #require(before["p1"])
            // A pending invitation to the person about to be removed.
            let token = try await fixture.apiToken()
            let invited = try await app.testing().sendRequest(.POST, "/api/v1/invitations/join", headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                                                              body: ByteBuffer(string: #"{"emails":["\#(removed.email)"]}"#))
            #expect(invited.status == .created, "\(invited.body.string)")

            let domain = removed.email.split(separator: "@")[1]
            try fixture.administer("ldapdelete", "uid=p0,\(unit)\n")
            try fixture.administer("ldapmodify", """
                dn: uid=p1,\(unit)
                changetype: modrdn
                newrdn: uid=p1-renamed
                deleteoldrdn: 1

                dn: uid=p1-renamed,\(unit)
                changetype: modify
                replace: mail
                mail: renamed@\(domain)

                dn: uid=p2,\(unit)
                changetype: modify
                add: employeeType
                employeeType: disabled

                """)
            let second = try await fixture.sync()
            #expect(second.status == .succeeded, "\(second.error ?? "")")
            #expect(second.usersRemoved == 1 && second.usersDisabled == 1 && second.usersUpdated == 1 && second.usersAdded == 0,
                    "\(LDAPDirectorySync.summary(second))")
            let after = try await fixture.users()
            #expect(after.count == 5, "never deleted with their history")
            let gone = try #require(after.first { $0.id == removed.id })
            #expect(!gone.enabled && gone.removedAt != nil)
            let moved = try #require(after.first { $0.id == renamed.id })
            #expect(moved.userName == "p1-renamed" && moved.email == "renamed@\(domain)")
            #expect(after.first { $0.userName == "p2" }?.enabled == false)
            let invitation = try #require(try await Invitation.query(on: app.db).filter(\.$email == removed.email).first())
            #expect(invitation.status == .revoked)
            let memberEdges = try await DirectoryGroupMember.query(on: app.db).filter(\.$user.$id == removed.id).count()
            #expect(memberEdges == 0)
            // A change of members is a change of the group: counted, and its version (the SCIM ETag) raised.
            #expect(second.groupsUpdated == 1 && second.groupsAdded == 0 && second.groupsRemoved == 0, "\(LDAPDirectorySync.summary(second))")
            let group = try #require(try await DirectoryGroup.query(on: app.db).filter(\.$source == .ldap).first())
            #expect(group.version == 2)
            // p0 and p1's old DN still stand in the group's member values (this slapd has no referential-integrity
            // overlay) but name nobody now: their edges went, the other three stayed.
            #expect(try await DirectoryGroupMember.query(on: app.db).filter(\.$group.$id == group.requireID()).count() == 3)
        }
    }

    @Test("two syncs of one organization at once: one runs, the other is refused with 409 and a reason")
    func oneSyncAtATime() async throws {
        try await withHerald { app in
            let fixture = try await LDAPSyncFixture.make(app)
            try await fixture.configure(fixture.input())
            async let a = Result(catching: { try await fixture.sync() })
            async let b = Result(catching: { try await fixture.sync() })
            let results = await [a, b]
            let refused = results.compactMap { result -> (any AbortError)? in
                if case .failure(let error) = result { return error as? any AbortError }
                return nil
            }
            #expect(results.filter { (try? $0.get())?.status == .succeeded }.count == 1)
            #expect(refused.count == 1 && refused.first?.status == .conflict && refused.first?.reason.contains("already running") == true)
        }
    }

    @Test("the schedule runs a sync that is due, and only then, and moves the next one on by the interval")
    func scheduledSync() async throws {
        try await withHerald { app in
            let fixture = try await LDAPSyncFixture.make(app)
            let unit = try fixture.makeUnit(people: 3)
            var input = fixture.input(users: unit, groups: unit)
            input.sync_interval_minutes = 15
            try await fixture.configure(input)
            let settings = try #require(try await LDAPSettingsStore.settings(of: fixture.organizationID, on: app.db))
            let due = try #require(settings.nextSyncAt)
            await DirectorySyncScheduler.runDue(services: app.herald, database: app.db, now: due.addingTimeInterval(-1))
            #expect(try await DirectorySyncRun.query(on: app.db).count() == 0, "not due yet")
            await DirectorySyncScheduler.runDue(services: app.herald, database: app.db, now: due.addingTimeInterval(1))
            let run = try #require(try await DirectorySyncRun.query(on: app.db).first())
            #expect(run.trigger == .schedule && run.status == .succeeded && run.usersAdded == 3)
            let next = try #require(try await LDAPSettingsStore.settings(of: fixture.organizationID, on: app.db)?.nextSyncAt)
            #expect(next.timeIntervalSince(run.startedAt) >= 14 * 60, "the next sync is an interval later")
        }
    }

    @Test("Test connection names what failed: wrong password, untrusted CA, refused port, unknown host; LDAPS and StartTLS work")
    func connectionTest() async throws {
        try await withHerald { app in
            let fixture = try await LDAPSyncFixture.make(app)
            func test(_ input: LDAPSettingsInput) async throws -> LDAPConnectionTest.Result {
                try await fixture.configure(input)
                let connection = try await LDAPSettingsStore(box: app.herald.secretBox, servers: .anyServer).connection(of: fixture.organizationID, on: app.db)
                return await LDAPConnectionTest(settings: connection, eventLoopGroup: app.eventLoopGroup, logger: app.logger).run()
            }
            let startTLS = try await test(fixture.input())
            #expect(startTLS.ok && startTLS.usersFound == LDAPConnectionTest.sample, "\(startTLS.message)")
            let ldaps = try await test(fixture.input(url: fixture.environment["LDAP_TEST_LDAPS_URL"]))
            #expect(ldaps.ok, "\(ldaps.message)")
            let wrong = try await test(fixture.input(password: "not-the-password"))
            #expect(wrong.failedStep == "sign_in" && wrong.failure == "invalidCredentials", "\(wrong.message)")
            var untrusted = fixture.input()
            untrusted.ca_certificate_pem = nil
            let tls = try await test(untrusted)
            #expect(tls.failedStep == "connect" && tls.failure == "tlsFailed", "\(tls.message)")
            let refused = try await test(fixture.input(url: "ldap://127.0.0.1:1"))
            #expect(refused.failure == "connectionRefused", "\(refused.message)")
            let unknown = try await test(fixture.input(url: "ldaps://no-such-host.invalid"))
            #expect(unknown.failure == "dnsFailure", "\(unknown.message)")
            #expect(![wrong, tls, refused, unknown].contains { $0.message.contains("/") && $0.message.contains(".swift") }, "no source paths")
        }
    }

    @Test("the settings form refuses each bad field by name and keeps the stored password when left empty")
    func settingsValidation() async throws {
        try await withHerald { app in
            let fixture = try await LDAPSyncFixture.make(app)
            var bad = fixture.input(url: "http://example.com")
            bad.user_filter = "(uid=*"
            bad.login_attribute = "bad attr"
            bad.sync_interval_minutes = 5
            bad.bind_dn = ""
            let problems = bad.problems(hasStoredPassword: false, servers: .anyServer)
            for field in ["url", "user_filter", "login_attribute", "sync_interval_minutes", "bind_dn"] {
                #expect(problems.contains { $0.hasPrefix("\(field): ") }, "\(field) in \(problems)")
            }
            try await fixture.configure(fixture.input())
            var keep = fixture.input()
            keep.password = ""
            try await fixture.configure(keep)
            let run = try await fixture.sync()
            #expect(run.status == .succeeded, "the stored password was kept: \(run.error ?? "")")
        }
    }

    @Test("a sync while the directory's source is SCIM is refused; a failed bind is reported, not thrown")
    func refusalsAndFailures() async throws {
        try await withHerald { app in
            let fixture = try await LDAPSyncFixture.make(app, provisioning: .scim)
            try await fixture.configure(fixture.input())
            await #expect(throws: (any Error).self) { try await fixture.sync() }
            try await DirectorySettingsStore.save(provisioning: .ldap, blockMembersOnDeprovision: false, organizationID: fixture.organizationID,
                                                  actor: .commandLine, on: app.db)
            try await fixture.configure(fixture.input(password: "wrong"))
            let run = try await fixture.sync()
            #expect(run.status == .failed && run.error?.isEmpty == false)
            #expect(try await fixture.users().isEmpty, "a failed sync removes nobody and adds nobody")
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

/// The command line an operator scripts the set-up with: `herald directory ldap ... --test`, then `directory sync`,
/// run as the binary in a deployment of its own.
@Suite("LDAP sync from the command line")
struct LDAPSyncCommandLineTests {
    @Test("herald directory ldap --test, then herald directory sync twice: the test result, the report, then nothing to change; bad options named")
    func setTestAndSync() async throws {
        let deployment = try HeraldDeployment()
        defer { deployment.tearDown() }
        let env = ProcessInfo.processInfo.environment
        let base = try LDAPSyncFixture.variable("LDAP_TEST_BASE_DN")
        try deployment.run(["admin", "create", "--email", "ops@example.com", "--organization", "Acme", "--password-stdin"], stdin: "Correct-Horse-42-Staple\n")
        try deployment.run(["directory", "source", "--organization", "Acme", "--set", "ldap"])
        let set = try deployment.run(["directory", "ldap", "--organization", "Acme", "--url", try LDAPSyncFixture.variable("LDAP_TEST_URL"),
                                      "--bind-dn", env["LDAP_TEST_BIND_DN"] ?? "", "--password-stdin", "--users-base", "ou=people,\(base)",
                                      "--groups-base", "ou=groups,\(base)", "--type", "openldap", "--ca-file", env["LDAP_TEST_CA_PEM"] ?? "", "--test"],
                                     stdin: (env["LDAP_TEST_BIND_PASSWORD"] ?? "") + "\n")
        #expect(set.contains("Connected and signed in"), "\(set)")
        let first = try deployment.run(["directory", "sync", "--organization", "Acme"])
        #expect(first.contains("users: 2500 added") && first.contains("groups: 120 added"), "\(first)")
        let second = try deployment.run(["directory", "sync", "--organization", "Acme"])
        #expect(second.contains("users: 0 added, 0 updated, 0 disabled, 0 removed"), "\(second)")
        let bad = try HeraldProcess.run(["directory", "ldap", "--organization", "Acme", "--url", "http://x", "--bind-dn", "cn=a",
                                         "--users-base", "ou=p", "--groups-base", "ou=g", "--interval", "3"],
                                        environment: deployment.environment, stdin: nil)
        #expect(bad.status != 0 && bad.stderr.contains("--url:") && bad.stderr.contains("--interval:"), "\(bad.stderr)")
    }
}
