@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import VaporTesting

/// Leased seats (#20): the seat policy per key, heartbeats that keep a seat, the sweep that frees silent ones, a
/// lapsed computer taking its seat back, and deactivation from the computer itself (SQLite and PostgreSQL).
@Suite("Seat leases, heartbeats and deactivation from the client")
struct SeatLeaseTests {
    static func send(_ app: Application, _ method: HTTPMethod, _ path: String, bearer: String? = nil, json: String? = nil,
                     language: String? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let bearer { headers.bearerAuthorization = BearerAuthorization(token: bearer) }
        if json != nil { headers.contentType = .json }
        if let language { headers.replaceOrAdd(name: .acceptLanguage, value: language) }
        return try await app.testing().sendRequest(method, path, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    static func heartbeat(_ app: Application, _ activation: ActivationAPIController.ActivationResponse, key: String? = nil,
                          language: String? = nil) async throws -> TestingHTTPResponse {
        try await send(app, .POST, "/api/v1/installations/\(activation.installationID)/heartbeat", bearer: key ?? activation.installationKey,
                       language: language)
    }

    static func clientDeactivate(_ app: Application, _ activation: ActivationAPIController.ActivationResponse) async throws -> TestingHTTPResponse {
        try await send(app, .POST, "/api/v1/installations/\(activation.installationID)/deactivate", bearer: activation.installationKey)
    }

    static func activated(_ app: Application, code: String, fingerprint: String) async throws -> ActivationAPIController.ActivationResponse {
        let response = try await LicenseFixtures.activate(app, code: code, fingerprint: fingerprint)
        #expect(response.status == .created || response.status == .ok, "\(response.body.string)")
        return try response.content.decode(ActivationAPIController.ActivationResponse.self)
    }

    static func lease(_ app: Application, _ key: LicenseKey, days: Int = 7, deactivations: Int? = nil) async throws {
        let policy = try SeatPolicyInput(seatMode: "leased", leaseWindowDays: days, deactivationsPerMonth: deactivations).validate(current: key).get()
        _ = try await SeatPolicyInput.apply(policy, to: try key.requireID(), actor: .commandLine, seatLock: app.herald.seatLock,
                                            now: app.herald.clock.now, on: app.db)
    }

    static func sweep(_ app: Application) async throws -> Int {
        try await LeaseSweeper.sweep(seatLock: app.herald.seatLock, now: app.herald.clock.now, on: app.db)
    }

    static func audits(_ app: Application, _ action: AuditAction) async throws -> [AuditEvent] {
        try await AuditEvent.query(on: app.db).filter(\.$action == action).all()
    }

    @Test("the API sets a key's seat policy, range-checked field by field, and the audit log records it")
    func policyThroughTheAPI() async throws {
        try await withHerald { app in
            // given
            let admin = try await TestData.administrator(app, email: "ops@example.com", password: "Correct-Horse-42", organization: "Acme")
            let token = try await APITokenService.create(name: "ci", scope: .administration, organizationID: try admin.organization.requireID(),
                                                         accountID: try admin.account.requireID(), actor: .commandLine, on: app.db).token
            let (_, key) = try await LicenseFixtures.key(app, organization: admin.organization, seats: 3)
            let path = "/api/v1/license-keys/\(try key.requireID())/seat-policy"
            // when
            let zero = try await Self.send(app, .PUT, path, bearer: token, json: #"{"seatMode":"leased","leaseWindowDays":0}"#)
            let tooLong = try await Self.send(app, .PUT, path, bearer: token, json: #"{"leaseWindowDays":366,"deactivationsPerMonth":101}"#)
            let floating = try await Self.send(app, .PUT, path, bearer: token, json: #"{"seatMode":"floating"}"#)
            let huge = try await Self.send(app, .PUT, path, bearer: token, json: #"{"leaseWindowDays":99999999999999999999}"#)
            let leased = try await Self.send(app, .PUT, path, bearer: token, json: #"{"seatMode":"leased","leaseWindowDays":14,"deactivationsPerMonth":2}"#)
            let listed = try await Self.send(app, .GET, "/api/v1/license-keys", bearer: token)
            // then
            #expect(zero.status == .badRequest)
            #expect(zero.body.string.contains("leaseWindowDays: must be between 1 and 365"))
            #expect(tooLong.body.string.contains("leaseWindowDays: must be between 1 and 365"))
            #expect(tooLong.body.string.contains("deactivationsPerMonth: must be between 0 and 100"))
            #expect(floating.status == .badRequest)
            #expect(floating.body.string.contains("seatMode: must be one of node-locked, leased"))
            #expect(huge.status == .badRequest)
            #expect(leased.status == .ok, "\(leased.body.string)")
            let dto = try leased.content.decode(LicenseAPIController.LicenseKeyDTO.self)
            #expect(dto.seatMode == .leased && dto.leaseWindowDays == 14 && dto.deactivationsPerMonth == 2)
            #expect(listed.body.string.contains(#""seatMode":"leased""#))
            let events = try await Self.audits(app, .licenseSeatPolicyChanged)
            #expect(events.count == 1)
            #expect(events.first?.details == "leased, 14-day heartbeat window, 2 deactivations from the client per 30 days")
        }
    }

    @Test("the key page shows the seat policy and its form saves it; a bad window is named and nothing changes")
    func policyOnTheKeyPage() async throws {
        try await withHerald { app in
            // given
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let organization = try #require(try await Organization.query(on: app.db).first())
            let (_, key) = try await LicenseFixtures.key(app, organization: organization, seats: 2)
            let page = "/console/licenses/\(try key.requireID())"
            // when
            let before = try await browser.get(page)
            let refused = try await browser.post(page + "/seat-policy", form: ["seat_mode": "leased", "lease_window_days": "400",
                                                                                "deactivations_per_month": "3"], csrfFrom: page)
            let saved = try await browser.post(page + "/seat-policy", form: ["seat_mode": "leased", "lease_window_days": "30",
                                                                              "deactivations_per_month": "5"], csrfFrom: page)
            let after = try await browser.get(page)
            // then
            #expect(before.body.string.contains("node-locked: a seat stays with its computer"))
            #expect(refused.status == .badRequest)
            #expect(refused.body.string.contains("leaseWindowDays: must be between 1 and 365"))
            #expect(saved.status == .seeOther, "\(saved.body.string)")
            #expect(after.body.string.contains("leased: a seat is freed when its computer has not checked in for 30 days"))
            let stored = try #require(try await LicenseKey.find(try key.requireID(), on: app.db))
            #expect(stored.seatMode == .leased && stored.leaseWindowDays == 30 && stored.deactivationsPerMonth == 5)
            #expect(try await Self.audits(app, .licenseSeatPolicyChanged).first?.actorLabel == "admin@example.com")
        }
    }

    @Test("heartbeats keep a leased seat; a silent computer lapses once, by the sweep; it takes its seat back only when one is free")
    func leaseLapsesAndComesBack() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            // given: one seat, leased for 7 days
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 2, expiresAt: clock.now.addingTimeInterval(60 * 86_400))
            try await Self.lease(app, invited.key)
            let laptop = try await Self.activated(app, code: invited.codes[0], fingerprint: "fp-laptop-0001")
            // when: wrong or missing keys
            let wrong = try await Self.heartbeat(app, laptop, key: "bm90IHRoZSBrZXk")
            let missing = try await Self.send(app, .POST, "/api/v1/installations/\(laptop.installationID)/heartbeat")
            let notAnID = try await Self.send(app, .POST, "/api/v1/installations/nope/heartbeat", bearer: laptop.installationKey)
            // then
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers.first(name: "Herald-Activation-Error") == "wrong-installation-key")
            #expect(missing.status == .unauthorized)
            #expect(notAnID.status == .notFound)

            // when: it checks in after six days, and the sweep runs six days later (12 days after activation)
            clock.advance(by: 6 * 86_400)
            let kept = try await Self.heartbeat(app, laptop)
            clock.advance(by: 30)
            let soonAfter = try await Self.heartbeat(app, laptop)
            clock.advance(by: 6 * 86_400)
            let sweptEarly = try await Self.sweep(app)
            // then
            #expect(kept.status == .ok, "\(kept.body.string)")
            let lease = try kept.content.decode(InstallationCheckInController.HeartbeatResponse.self)
            #expect(lease.leaseExpiresAt == lease.lastSeenAt.addingTimeInterval(7 * 86_400))
            let recorded = try await Installation.find(laptop.installationID, on: app.db)?.lastSeenAt
            #expect(try soonAfter.content.decode(InstallationCheckInController.HeartbeatResponse.self).lastSeenAt == lease.lastSeenAt,
                    "a check-in 30 s after the last is not written again")
            #expect(recorded == lease.lastSeenAt)
            #expect(sweptEarly == 0)

            // when: eight days of silence; two sweeps (as two instances would)
            clock.advance(by: 2 * 86_400)
            let swept = try await Self.sweep(app)
            let again = try await Self.sweep(app)
            let desktop = try await LicenseFixtures.activate(app, code: invited.codes[1], fingerprint: "fp-desktop-0002")
            let refused = try await Self.heartbeat(app, laptop, language: "de")
            // then
            #expect(swept == 1 && again == 0)
            #expect(try await Self.audits(app, .installationLapsed).count == 1)
            #expect(try await Installation.find(laptop.installationID, on: app.db)?.status == .lapsed)
            #expect(desktop.status == .created, "the lapsed seat is free: \(desktop.body.string)")
            #expect(refused.status == .conflict)
            #expect(refused.headers.first(name: "Herald-Activation-Error") == "lapsed-no-free-seat")
            #expect(refused.body.string.contains("7 Tage nicht gemeldet"), "\(refused.body.string)")

            // when: an administrator frees the desktop's seat; the laptop checks in again
            let desktopID = try desktop.content.decode(ActivationAPIController.ActivationResponse.self).installationID
            _ = try await InstallationActions.apply(.deactivate, installationID: desktopID, keyID: try invited.key.requireID(),
                                                    actor: .commandLine, seatLock: app.herald.seatLock, on: app.db)
            let back = try await Self.heartbeat(app, laptop)
            // then: the same installation holds the seat again
            #expect(back.status == .ok, "\(back.body.string)")
            #expect(try back.content.decode(InstallationCheckInController.HeartbeatResponse.self).resumed)
            #expect(try await Installation.find(laptop.installationID, on: app.db)?.status == .active)
            #expect(try await Self.audits(app, .installationResumed).count == 1)
            #expect(try await Installation.query(on: app.db).filter(\.$status == .active).count() == 1)
        }
    }

    @Test("a lapsed computer that activates again with its code gets the same installation back when a seat is free")
    func lapsedComputerActivatesAgain() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 1, expiresAt: clock.now.addingTimeInterval(30 * 86_400))
            try await Self.lease(app, invited.key, days: 1)
            let first = try await Self.activated(app, code: invited.codes[0], fingerprint: "fp-laptop-0001")
            clock.advance(by: 2 * 86_400)
            #expect(try await Self.sweep(app) == 1)
            // when
            let again = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-laptop-0001")
            // then
            #expect(again.status == .created, "\(again.body.string)")
            let renewed = try again.content.decode(ActivationAPIController.ActivationResponse.self)
            #expect(renewed.installationID == first.installationID && renewed.certificate == first.certificate)
            #expect(try await Installation.query(on: app.db).count() == 1)
        }
    }

    @Test("node-locked keys accept heartbeats but never lapse")
    func nodeLockedNeverLapses() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 1)
            let laptop = try await Self.activated(app, code: invited.codes[0], fingerprint: "fp-laptop-0001")
            clock.advance(by: 400 * 86_400)
            #expect(try await Self.sweep(app) == 0)
            let beat = try await Self.heartbeat(app, laptop)
            #expect(beat.status == .ok)
            #expect(try beat.content.decode(InstallationCheckInController.HeartbeatResponse.self).leaseExpiresAt == nil)
        }
    }

    @Test("the computer deactivates itself, frees its seat, and is refused after the key's monthly limit until the oldest ages out")
    func deactivationFromTheClient() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            // given: a node-locked key allowing two deactivations from the client in 30 days
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 2, expiresAt: clock.now.addingTimeInterval(60 * 86_400))
            let policy = try SeatPolicyInput(deactivationsPerMonth: 2).validate(current: invited.key).get()
            _ = try await SeatPolicyInput.apply(policy, to: try invited.key.requireID(), actor: .commandLine, seatLock: app.herald.seatLock,
                                                now: clock.now, on: app.db)
            // when: activate, deactivate (twice: the repeat is not counted), then once more
            let first = try await Self.activated(app, code: invited.codes[0], fingerprint: "fp-laptop-0001")
            let freed = try await Self.clientDeactivate(app, first)
            let repeated = try await Self.clientDeactivate(app, first)
            let other = try await LicenseFixtures.activate(app, code: invited.codes[1], fingerprint: "fp-desktop-0002")
            let gone = try await Self.heartbeat(app, first)
            // then
            #expect(freed.status == .noContent, "\(freed.body.string)")
            #expect(repeated.status == .noContent)
            #expect(other.status == .created, "the freed seat went to another computer")
            #expect(gone.status == .gone)
            #expect(gone.headers.first(name: "Herald-Activation-Error") == "installation-deactivated")
            let otherID = try other.content.decode(ActivationAPIController.ActivationResponse.self).installationID
            _ = try await InstallationActions.apply(.deactivate, installationID: otherID, keyID: try invited.key.requireID(),
                                                    actor: .commandLine, seatLock: app.herald.seatLock, on: app.db)

            // when: the laptop juggles its seat
            clock.advance(by: 86_400)
            let second = try await Self.activated(app, code: invited.codes[0], fingerprint: "fp-laptop-0001")
            let secondOff = try await Self.clientDeactivate(app, second)
            let third = try await Self.activated(app, code: invited.codes[0], fingerprint: "fp-laptop-0001")
            let limited = try await Self.clientDeactivate(app, third)
            // then
            #expect(secondOff.status == .noContent)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers.first(name: "Herald-Activation-Error") == "deactivation-limit")
            #expect(limited.body.string.contains("deactivated 2 times in the last 30 days"), "\(limited.body.string)")
            #expect(limited.headers.first(name: .retryAfter) == String(29 * 86_400), "until the first deactivation is 30 days old")
            #expect(try await Installation.find(third.installationID, on: app.db)?.status == .active, "still holds its seat")

            // when: the first deactivation is 30 days old
            clock.advance(by: 29 * 86_400 + 1)
            let allowed = try await Self.clientDeactivate(app, third)
            #expect(allowed.status == .noContent, "\(allowed.body.string)")
            let events = try await Self.audits(app, .installationDeactivated).filter { $0.details?.contains("by the computer itself") == true }
            #expect(events.count == 3)
        }
    }

    @Test("a key whose limit is 0 lets only administrators deactivate")
    func clientDeactivationOff() async throws {
        try await withHerald { app in
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 1)
            let policy = try SeatPolicyInput(deactivationsPerMonth: 0).validate(current: invited.key).get()
            _ = try await SeatPolicyInput.apply(policy, to: try invited.key.requireID(), actor: .commandLine, seatLock: app.herald.seatLock,
                                                now: Date(), on: app.db)
            let laptop = try await Self.activated(app, code: invited.codes[0], fingerprint: "fp-laptop-0001")
            let refused = try await Self.clientDeactivate(app, laptop)
            #expect(refused.status == .forbidden)
            #expect(refused.headers.first(name: "Herald-Activation-Error") == "client-deactivation-off")
            #expect(try await Installation.find(laptop.installationID, on: app.db)?.status == .active)
        }
    }
}
