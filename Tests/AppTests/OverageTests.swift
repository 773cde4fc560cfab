@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor
import VaporTesting

/// Overage (#20): a key may admit N % more installations than seats, flagged as excess, as Keygen does; beyond the
/// allowance refused as before; the policy range-checked wherever it is set (SQLite and PostgreSQL).
@Suite("Seat overage")
struct OverageTests {
    static func overage(_ app: Application, _ key: LicenseKey, percent: Int) async throws {
        let policy = try SeatPolicyInput(overagePercent: percent).validate(current: key).get()
        _ = try await SeatPolicyInput.apply(policy, to: try key.requireID(), actor: .commandLine, seatLock: app.herald.seatLock,
                                            now: app.herald.clock.now, on: app.db)
    }

    static func active(_ app: Application, _ key: LicenseKey) async throws -> [Installation] {
        try await Installation.query(on: app.db).filter(\.$licenseKey.$id == key.requireID()).filter(\.$status == .active).all()
    }

    @Test("10 seats with 15 % overage: of 30 racing clients exactly 11 activate, one flagged excess until a seat frees")
    func allowanceUnderRace() async throws {
        try await withHerald { app in try await SeatLeaseRaceTests.withInstances(of: app) { instances in
            // given
            let invited = try await LicenseFixtures.invite(app, seats: 10, people: 30)
            try await Self.overage(app, invited.key, percent: 15)
            let codes = invited.codes

            // when: everyone activates at once
            let statuses = try await SeatLeaseRaceTests.race(instances, Array(0..<30)) { app, client in
                try await LicenseFixtures.activate(app, code: codes[client], fingerprint: "fp-over-\(client)")
            }

            // then: floor(10 × 1.15) = 11 hold a seat, the rest refused as without overage, one flagged
            #expect(statuses.values.filter { $0 == 201 }.count == 11, "\(statuses.values.sorted())")
            #expect(statuses.values.filter { $0 == 422 }.count == 19)
            let active = try await Self.active(app, invited.key)
            #expect(active.count == 11)
            #expect(active.filter(\.excess).count == 1)
            // when: one installation that is not excess is deactivated
            let regular = try #require(active.first { !$0.excess })
            _ = try await InstallationActions.apply(.deactivate, installationID: try regular.requireID(), keyID: try invited.key.requireID(),
                                                    actor: .commandLine, seatLock: app.herald.seatLock, on: app.db)
            // then: 10 of 10 seats, nobody excess any more
            let after = try await Self.active(app, invited.key)
            #expect(after.count == 10)
            #expect(after.filter(\.excess).isEmpty)
        } }
    }

    @Test("the API shows the allowance and the excess installations")
    func apiShowsExcess() async throws {
        try await withHerald { app in
            // given: an API administrator's key of 2 seats with 50 % overage, 3 activated
            let admin = try await APIAdministrator(app)
            let organization = try #require(try await Organization.find(admin.organizationID, on: app.db))
            let invited = try await LicenseFixtures.invite(app, organization: organization, seats: 2, people: 4)
            try await Self.overage(app, invited.key, percent: 50)
            for (index, code) in invited.codes.prefix(4).enumerated() {
                _ = try await LicenseFixtures.activate(app, code: code, fingerprint: "fp-api-\(index)")
            }
            let keyID = try invited.key.requireID()

            // when
            let keys = try await app.testing().sendRequest(.GET, "/api/v1/license-keys", headers: admin.headers)
            let installations = try await app.testing().sendRequest(.GET, "/api/v1/license-keys/\(keyID)/installations", headers: admin.headers)
            let csv = try await app.testing().sendRequest(.GET, "/api/v1/license-keys/\(keyID)/installations/export.csv", headers: admin.headers)

            // then
            let key = try #require(try keys.content.decode([LicenseAPIController.LicenseKeyDTO].self).first { $0.id == keyID })
            #expect(key.overagePercent == 50 && key.seatAllowance == 3 && key.usedSeats == 3)
            let rows = try installations.content.decode([LicenseAPIController.InstallationDTO].self)
            #expect(rows.count == 3)
            #expect(rows.filter(\.excess).count == 1)
            let lines = csv.body.string.split(separator: "\r\n")
            #expect(lines.first?.hasSuffix(",certificate_serial,excess") == true, "\(lines.first ?? "")")
            #expect(lines.filter { $0.hasSuffix(",yes") }.count == 1)
        }
    }

    @Test("bad overage refused naming the field: negative, 101, huge, fractional, not a number", arguments: [
        "-1", "101", "1000000000000000000000", "1e30", "2.5", "\"ten\"", "\"\"", "null",
    ])
    func badOverageRefused(value: String) async throws {
        try await withHerald { app in
            // given
            let admin = try await APIAdministrator(app)
            let organization = try #require(try await Organization.find(admin.organizationID, on: app.db))
            let (_, key) = try await LicenseFixtures.key(app, organization: organization, seats: 10)
            let keyID = try key.requireID()

            // when: setting it on a key, and creating a key with it
            let put = try await app.testing().sendRequest(.PUT, "/api/v1/license-keys/\(keyID)/seat-policy", headers: admin.headers,
                                                          body: ByteBuffer(string: #"{"overagePercent": \#(value)}"#))
            let create = try await app.testing().sendRequest(.POST, "/api/v1/license-keys", headers: admin.headers,
                                                             body: ByteBuffer(string: #"{"name": "New", "product": "P", "seats": 5, "overagePercent": \#(value)}"#))

            // then: "null" leaves it unset (kept); everything else is a 400 naming overagePercent, nothing changed
            if value == "null" {
                #expect(put.status == .ok)
                #expect(create.status == .created)
            } else {
                #expect(put.status == .badRequest, "\(put.body.string)")
                #expect(put.body.string.contains("overagePercent"), "\(put.body.string)")
                #expect(create.status == .badRequest, "\(create.body.string)")
                #expect(create.body.string.contains("overagePercent"), "\(create.body.string)")
            }
            #expect(try await LicenseKey.find(keyID, on: app.db)?.overagePercent == 0)
        }
    }

    @Test("the command line and the console name the field too, and a policy set at creation is kept")
    func textInputRefusedAndCreationPolicy() async throws {
        // given / when / then: text as the console form and the command line pass it
        for text in ["-3", "101", "abc", "99999999999999999999999", "1.5"] {
            let input = SeatPolicyInput(text: nil, leaseWindowDays: nil, deactivationsPerMonth: nil, overagePercent: text)
            guard case .failure(let problems) = input.validateForNewKey() else { Issue.record("\(text) accepted"); continue }
            #expect(problems.problems == ["overagePercent: must be between 0 and 100"], "\(text)")
        }
        try await withHerald { app in
            var input = LicenseKeyInput(name: "Leased", product: "P", seats: 4)
            input.seatPolicy = SeatPolicyInput(text: "leased", leaseWindowDays: "3", deactivationsPerMonth: "0", overagePercent: "50")
            let organization = Organization(name: "Acme")
            try await organization.create(on: app.db)
            let key = try await LicenseKeyStore.create(try input.validate().get(), organizationID: try organization.requireID(),
                                                       actor: .commandLine, secretBox: app.herald.secretBox, on: app.db)
            let stored = try #require(try await LicenseKey.find(try key.requireID(), on: app.db))
            #expect(stored.seatMode == .leased && stored.leaseWindow == 3 && stored.deactivationsPerMonth == 0 && stored.overagePercent == 50)
        }
    }
}

/// The console side of overage and seat alerts: the key page's form, its highlight, the new-key form's policy.
@Suite("Seat overage and alerts in the console")
struct OverageConsoleTests {
    @Test("the key page's form sets the overage, refuses 101 and letters naming the field, and the page highlights a full key")
    func keyPage() async throws {
        try await withHerald { app in
            // given: 5 seats, 4 people activated
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let organization = try #require(try await Organization.query(on: app.db).first())
            let invited = try await LicenseFixtures.invite(app, organization: organization, seats: 5, people: 7)
            for (index, code) in invited.codes.prefix(4).enumerated() {
                _ = try await LicenseFixtures.activate(app, code: code, fingerprint: "fp-page-\(index)")
            }
            let page = "/console/licenses/\(try invited.key.requireID())"

            // when
            let nearLimit = try await browser.get(page)
            let tooMuch = try await browser.post(page + "/seat-policy", form: ["overage_percent": "101"], csrfFrom: page)
            let letters = try await browser.post(page + "/seat-policy", form: ["overage_percent": "ten"], csrfFrom: page)
            let saved = try await browser.post(page + "/seat-policy", form: ["overage_percent": "20"], csrfFrom: page)
            for (index, code) in invited.codes.dropFirst(4).prefix(2).enumerated() {
                _ = try await LicenseFixtures.activate(app, code: code, fingerprint: "fp-page-more-\(index)")
            }
            let full = try await browser.get(page)

            // then
            #expect(nearLimit.body.string.contains(#"data-level="near-limit" class="attention""#))
            for refused in [tooMuch, letters] {
                #expect(refused.status == .badRequest)
                #expect(refused.body.string.contains("overagePercent: must be between 0 and 100"))
            }
            #expect(saved.status == .seeOther, "\(saved.body.string)")
            #expect(full.body.string.contains(#"data-level="full" class="attention""#))
            #expect(full.body.string.contains("up to 6 with the 20 % overage"))
            #expect(full.body.string.components(separatedBy: #"<strong class="excess">excess</strong>"#).count - 1 == 1)
            let stored = try #require(try await LicenseKey.find(try invited.key.requireID(), on: app.db))
            #expect(stored.overagePercent == 20)
        }
    }

    @Test("the new-key form takes the seat policy, and names a bad field without creating the key")
    func newKeyForm() async throws {
        try await withHerald { app in
            // given
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let form = ["name": "Lab", "product": "Herald Pro", "seats": "10", "seat_mode": "leased", "lease_window_days": "14",
                        "deactivations_per_month": "1"]
            // when
            let refused = try await browser.post("/console/licenses", form: form.merging(["overage_percent": "-5"]) { $1 }, csrfFrom: "/console/licenses")
            let created = try await browser.post("/console/licenses", form: form.merging(["overage_percent": "10"]) { $1 }, csrfFrom: "/console/licenses")
            // then
            #expect(refused.status == .badRequest)
            #expect(refused.body.string.contains("overagePercent: must be between 0 and 100"))
            #expect(created.status == .seeOther, "\(created.body.string)")
            let keys = try await LicenseKey.query(on: app.db).all()
            #expect(keys.count == 1)
            let key = try #require(keys.first)
            #expect(key.seatMode == .leased && key.leaseWindow == 14 && key.deactivationsPerMonth == 1 && key.overagePercent == 10)
        }
    }
}
