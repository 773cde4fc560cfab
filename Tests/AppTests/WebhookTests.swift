@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Webhooks against a real receiver on loopback that verifies every delivery with the `standardwebhooks` package.
/// SQLite and PostgreSQL (the PostgreSQL pass of ./scripts/test).
@Suite("webhooks (Standard Webhooks)", .serialized)
struct WebhookTests {
    struct Fixture {
        let app: Application
        let organizationID: UUID
        let headers: HTTPHeaders

        init(_ app: Application) async throws {
            self.app = app
            let administrator = try await APIAdministrator(app)
            organizationID = administrator.organizationID
            headers = administrator.headers
        }

        func send(_ method: HTTPMethod, _ path: String, _ json: String? = nil) async throws -> TestingHTTPResponse {
            try await app.testing().sendRequest(method, "/api/v1" + path, headers: headers, body: json.map { ByteBuffer(string: $0) })
        }

        /// A new endpoint through the API; its secret registered with the receiver under `key`.
        func endpoint(_ receiver: WebhookReceiver, mode: String, key: String, events: [String] = []) async throws -> (id: String, secret: String) {
            let body = try String(decoding: JSONEncoder().encode(["url": receiver.url(mode, key)]), as: UTF8.self)
                .dropLast() + ",\"eventTypes\":" + String(decoding: try JSONEncoder().encode(events), as: UTF8.self) + "}"
            let response = try await send(.POST, "/webhooks/endpoints", String(body))
            #expect(response.status == .created, "\(response.body.string)")
            let id = try response.content.get(String.self, at: "id")
            let secret = try response.content.get(String.self, at: "secret")
            try await receiver.register(key, secrets: [secret])
            return (id, secret)
        }

        func member(_ email: String) async throws -> UUID {
            let account = Account(id: UUID(), email: email, name: "Bea Member", passwordHash: "unused")
            try await account.create(on: app.db)
            let membership = Membership(organizationID: organizationID, accountID: try account.requireID(), role: .member)
            try await membership.create(on: app.db)
            return try membership.requireID()
        }

        func deliveries(_ endpointID: String) async throws -> [WebhookDelivery] {
            try await WebhookDelivery.query(on: app.db).filter(\.$endpoint.$id == UUID(uuidString: endpointID)!).sort(\.$createdAt).all()
        }

        /// Every due delivery posted, and the ones deferred made due again, `rounds` times.
        func deliver(rounds: Int = 1) async throws {
            for round in 0..<rounds {
                if round > 0 {
                    try await app.db.sql.raw("UPDATE webhook_deliveries SET next_attempt_at = \(bind: Date().addingTimeInterval(-1)) WHERE status = 'deferred'").run()
                }
                _ = try await app.herald.webhookWorker.deliverUntilEmpty()
            }
        }
    }

    static func configure(_ configuration: inout Configuration) {
        configuration.webhooks.allowPrivateAddresses = true
        configuration.webhooks.timeout = 3
    }

    @Test("member and invitation changes reach the endpoint once each, signed so that standardwebhooks verifies them")
    func eventsAreSignedAndDeliveredOnce() async throws {
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        try await withHerald(Self.configure) { app in
            // given
            let fixture = try await Fixture(app)
            let (endpointID, _) = try await fixture.endpoint(receiver, mode: "ok", key: "all")
            let onlyMembers = try await fixture.endpoint(receiver, mode: "ok", key: "members", events: ["member.promoted"])
            let memberID = try await fixture.member("bea@example.com")
            // when
            let invited = try await fixture.send(.POST, "/invitations/join", #"{"emails":["carl@example.com","dora@example.com"]}"#)
            #expect(invited.status == .created || invited.status == .ok, "\(invited.body.string)")
            _ = try await app.herald.deliveryWorker.deliverUntilEmpty()
            let promoted = try await fixture.send(.POST, "/members/\(memberID)/promote")
            #expect(promoted.status == .ok, "\(promoted.body.string)")
            _ = try await fixture.send(.POST, "/members/\(memberID)/block")
            let invitation = try #require(try await Invitation.query(on: app.db).filter(\.$email == "dora@example.com").first())
            _ = try await fixture.send(.POST, "/invitations/\(try invitation.requireID())/revoke")
            try await fixture.deliver()
            try await fixture.deliver()
            // then
            let log = try await receiver.log("all")
            #expect(!log.isEmpty && log.allSatisfy(\.verified), "every delivery verifies: \(log.filter { !$0.verified }.map(\.type))")
            let types = log.compactMap(\.type)
            #expect(types.filter { $0 == "invitation.created" }.count == 2)
            #expect(types.filter { $0 == "invitation.sent" }.count == 2)
            #expect(types.contains("member.promoted") && types.contains("member.blocked") && types.contains("invitation.revoked"))
            #expect(Set(log.compactMap(\.id)).count == log.count, "no event twice")
            let filtered = try await receiver.log("members")
            #expect(filtered.map(\.type) == ["member.promoted"], "the filter holds")
            let revoked = try #require(log.first { $0.type == "invitation.revoked" })
            #expect(revoked.body.contains(#""email":"dora@example.com""#) && revoked.body.contains(#""kind":"join""#))
            let rows = try await fixture.deliveries(endpointID)
            #expect(rows.allSatisfy { $0.status == .delivered && $0.responseStatus == 204 && $0.attempts == 1 })
            #expect(onlyMembers.secret != "" && onlyMembers.secret.hasPrefix("whsec_"))
        }
    }

    @Test("a failing receiver: retried with backoff, the answer logged, the endpoint switched off after a run of failures and the administrators told")
    func failingReceiver() async throws {
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        try await withHerald({ configuration in
            Self.configure(&configuration)
            configuration.webhooks.disableAfterFailures = 3
            configuration.webhooks.disableAfterFailingFor = 0
        }) { app in
            let fixture = try await Fixture(app)
            let (endpointID, _) = try await fixture.endpoint(receiver, mode: "fail", key: "fail")
            // when
            let test = try await fixture.send(.POST, "/webhooks/endpoints/\(endpointID)/test")
            #expect(test.status == .accepted)
            try await fixture.deliver()
            let first = try #require(try await fixture.deliveries(endpointID).first)
            // then: deferred by the backoff, with what the receiver said, control characters replaced
            #expect(first.status == .deferred && first.responseStatus == 500)
            #expect(first.nextAttemptAt > Date().addingTimeInterval(10))
            #expect(first.responseExcerpt?.hasPrefix("receiver says no") == true && first.responseExcerpt?.contains("\u{0}") == false)
            // when: two more failures
            try await fixture.deliver(rounds: 3)
            // then
            let endpoint = try #require(try await WebhookEndpoint.find(UUID(uuidString: endpointID), on: app.db))
            #expect(endpoint.enabled == false && endpoint.disabledReason?.contains("3 failed attempts") == true)
            #expect(try await receiver.log("fail").count == 3, "nothing posted to a switched-off endpoint")
            let told = try await OutboxMessage.query(on: app.db).filter(\.$subject, .custom("LIKE"), "%Webhook endpoint switched off%").count()
            #expect(told == 1)
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == .webhookEndpointDisabled).count()
            #expect(audit == 1)
            let log = try await fixture.send(.GET, "/webhooks/endpoints/\(endpointID)/deliveries")
            #expect(log.status == .ok && log.body.string.contains("\"responseStatus\":500"))
        }
    }

    @Test("a receiver that times out, one that answers slowly, one that fails once and one that redirects")
    func slowFlakyAndRedirecting() async throws {
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        try await withHerald(Self.configure) { app in
            let fixture = try await Fixture(app)
            let hang = try await fixture.endpoint(receiver, mode: "hang", key: "hang")
            let slow = try await fixture.endpoint(receiver, mode: "slow", key: "slow")
            let flaky = try await fixture.endpoint(receiver, mode: "flaky", key: "flaky")
            let redirect = try await fixture.endpoint(receiver, mode: "redirect", key: "redirect")
            // when
            for endpoint in [hang, slow, flaky, redirect] {
                #expect(try await fixture.send(.POST, "/webhooks/endpoints/\(endpoint.id)/test").status == .accepted)
            }
            try await fixture.deliver()
            // then
            let timedOut = try #require(try await fixture.deliveries(hang.id).first)
            #expect(timedOut.status == .deferred && timedOut.responseStatus == nil && timedOut.lastError == "timed out")
            let slowly = try #require(try await fixture.deliveries(slow.id).first)
            #expect(slowly.status == .delivered && slowly.responseStatus == 200 && (slowly.latencyMilliseconds ?? 0) >= 1000)
            let redirected = try #require(try await fixture.deliveries(redirect.id).first)
            #expect(redirected.status == .deferred && redirected.responseStatus == 302, "a redirect is not followed")
            #expect(try await receiver.log("redirect").map(\.mode) == ["redirect"])
            // when: the flaky one is retried
            try await fixture.deliver(rounds: 2)
            let flakyRow = try #require(try await fixture.deliveries(flaky.id).first)
            let flakyLog = try await receiver.log("flaky")
            #expect(flakyRow.status == .delivered && flakyRow.attempts == 2)
            #expect(flakyLog.count == 2 && Set(flakyLog.compactMap(\.id)).count == 1, "the unacknowledged delivery came again with the same webhook-id")
        }
    }

    @Test("a rotated secret: both sign during the overlap, the new one alone without it; redeliver sends the same webhook-id")
    func rotationAndRedelivery() async throws {
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        try await withHerald(Self.configure) { app in
            let fixture = try await Fixture(app)
            let (endpointID, oldSecret) = try await fixture.endpoint(receiver, mode: "ok", key: "rotate")
            // when: rotated with an hour's overlap
            let rotated = try await fixture.send(.POST, "/webhooks/endpoints/\(endpointID)/rotate-secret", #"{"overlapSeconds":3600}"#)
            let newSecret = try rotated.content.get(String.self, at: "secret")
            try await receiver.register("rotate", secrets: [oldSecret, newSecret])
            _ = try await fixture.send(.POST, "/webhooks/endpoints/\(endpointID)/test")
            try await fixture.deliver()
            // then
            #expect(newSecret != oldSecret)
            #expect(try await receiver.log("rotate").last?.verified_by == [0, 1])
            // when: rotated again without overlap
            let again = try await fixture.send(.POST, "/webhooks/endpoints/\(endpointID)/rotate-secret", #"{"overlapSeconds":0}"#)
            let newest = try again.content.get(String.self, at: "secret")
            try await receiver.register("rotate", secrets: [newSecret, newest])
            _ = try await fixture.send(.POST, "/webhooks/endpoints/\(endpointID)/test")
            try await fixture.deliver()
            #expect(try await receiver.log("rotate").last?.verified_by == [1])
            // when: redelivered
            let delivery = try #require(try await fixture.deliveries(endpointID).first)
            let redelivered = try await fixture.send(.POST, "/webhooks/endpoints/\(endpointID)/deliveries/\(try delivery.requireID())/redeliver")
            #expect(redelivered.status == .accepted)
            try await fixture.deliver()
            let log = try await receiver.log("rotate")
            #expect(log.count == 3 && log.last?.id == log.first?.id && log.last?.verified == true)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .webhookSecretRotated).count() == 2)
        }
    }

    @Test("two workers on one database post each event once")
    func twoWorkersDeliverEachOnce() async throws {
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        try await withHerald(Self.configure) { app in
            let fixture = try await Fixture(app)
            let (endpointID, _) = try await fixture.endpoint(receiver, mode: "ok", key: "race")
            for _ in 0..<60 { _ = try await fixture.send(.POST, "/webhooks/endpoints/\(endpointID)/test") }
            // when: a second worker (another instance's) races the application's own
            var settings = app.herald.configuration.webhooks
            settings.batchSize = 5
            let other = WebhookWorker(database: app.db, settings: settings, sender: WebhookSender(group: app.eventLoopGroup, settings: settings),
                                      secretBox: app.herald.secretBox, mailer: app.herald.mailer, logger: app.logger)
            async let mine = app.herald.webhookWorker.deliverUntilEmpty()
            async let theirs = other.deliverUntilEmpty()
            let (a, b) = try await (mine, theirs)
            await other.sender.shutdown()
            // then
            let log = try await receiver.log("race")
            #expect(a.delivered + b.delivered == 60)
            #expect(log.count == 60 && Set(log.compactMap(\.id)).count == 60, "each once")
        }
    }

    @Test("the API refuses private addresses by default, unknown event types and unknown endpoints, as JSON naming the field")
    func refusals() async throws {
        try await withHerald { app in
            let fixture = try await Fixture(app)
            for url in ["http://127.0.0.1:9/x", "http://localhost/x", "http://[::1]/x", "http://10.1.2.3/", "http://169.254.169.254/latest"] {
                let refused = try await fixture.send(.POST, "/webhooks/endpoints", #"{"url":"\#(url)"}"#)
                #expect(refused.status == .unprocessableEntity, "\(url)")
                #expect(try refused.content.get(String.self, at: "reason").hasPrefix("url: private"))
            }
            let badType = try await fixture.send(.POST, "/webhooks/endpoints", #"{"url":"https://hooks.example.com/x","eventTypes":["nope"]}"#)
            #expect(badType.status == .unprocessableEntity && badType.body.string.contains("eventTypes"))
            let notURL = try await fixture.send(.POST, "/webhooks/endpoints", #"{"url":"ftp://example.com"}"#)
            #expect(notURL.status == .unprocessableEntity)
            let missing = try await fixture.send(.GET, "/webhooks/endpoints/\(UUID())")
            #expect(missing.status == .notFound && missing.headers.contentType == .json)
            let overlap = try await fixture.send(.POST, "/webhooks/endpoints/\(UUID())/rotate-secret", #"{"overlapSeconds":99999999999999999999}"#)
            #expect(overlap.status == .badRequest)
            // An endpoint on a public name is accepted; its deliveries check the address again.
            let created = try await fixture.send(.POST, "/webhooks/endpoints", #"{"url":"https://hooks.example.com/x"}"#)
            #expect(created.status == .created)
        }
    }

    @Test("the console adds an endpoint, shows its secret once, sends a test event and lists the delivery with redelivery")
    func consolePages() async throws {
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        try await withHerald(Self.configure) { app in
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            _ = try await browser.post("/console/webhooks", form: ["url": receiver.url("ok", "console"), "description": "HR"], csrfFrom: "/console/webhooks")
            let page = try await browser.get("/console/webhooks").body.string
            let secret = try #require(page.firstMatch(of: /id="new-secret">([^<]+)</)?.1).description
            #expect(secret.hasPrefix("whsec_"))
            #expect(try await browser.get("/console/webhooks").body.string.contains(secret) == false, "shown once")
            try await receiver.register("console", secrets: [secret])
            let endpoint = try #require(try await WebhookEndpoint.query(on: app.db).first())
            let id = try endpoint.requireID().uuidString
            _ = try await browser.post("/console/webhooks/\(id)/test", form: [:], csrfFrom: "/console/webhooks")
            _ = try await app.herald.webhookWorker.deliverUntilEmpty()
            let log = try await browser.get("/console/webhooks/\(id)")
            #expect(log.status == .ok && log.body.string.contains("webhook.test") && log.body.string.contains("delivered"))
            #expect(try await receiver.log("console").map(\.verified) == [true])
            let refused = try await browser.post("/console/webhooks", form: ["url": "ftp://nope"], csrfFrom: "/console/webhooks")
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("must be an absolute http or https URL"))

            // Deleting goes through its confirmation step: an unconfirmed POST changes nothing, a confirmed one
            // deletes the endpoint with its log.
            #expect(try await browser.get("/console/webhooks").body.string.contains("/console/webhooks/\(id)/delete"))
            let step = try await browser.get("/console/webhooks/\(id)/delete")
            #expect(step.status == .ok && step.body.string.contains("Delete the webhook endpoint"), "\(step.body.string)")
            _ = try await browser.post("/console/webhooks/\(id)/delete", form: [:], csrfFrom: "/console/webhooks/\(id)/delete")
            #expect(try await WebhookEndpoint.query(on: app.db).count() == 1, "not confirmed: nothing deleted")
            _ = try await browser.post("/console/webhooks/\(id)/delete", form: ["confirm": "yes"], csrfFrom: "/console/webhooks/\(id)/delete")
            #expect(try await WebhookEndpoint.query(on: app.db).count() == 0)
            #expect(try await WebhookDelivery.query(on: app.db).count() == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .webhookEndpointDeleted).count() == 1)
        }
    }

    @Test("private, loopback and mapped addresses are told apart from public ones")
    func addressClassification() async throws {
        for text in ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "::",
                     "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "224.0.0.1"] {
            #expect(WebhookAddressPolicy.isPrivate(literal: text) == true, "\(text)")
        }
        for text in ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "172.32.0.1"] {
            #expect(WebhookAddressPolicy.isPrivate(literal: text) == false, "\(text)")
        }
        #expect(WebhookAddressPolicy.isPrivate(literal: "example.com") == nil)
        await #expect(throws: WebhookRefusal.self) { try await WebhookAddressPolicy(allowPrivateAddresses: false).check(host: "localhost") }
    }
}
