import Foundation
import LiveServerSupport
import Testing

/// `herald webhooks ...` end to end: the binary, a receiver on loopback verifying with standardwebhooks.
@Suite("herald webhooks command line", .serialized)
struct WebhookCommandLineTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-webhooks-cli-\(UUID().uuidString)").path

    var environment: [String: String] {
        ["HERALD_DATA_DIR": folder, "HERALD_SECRET_KEY": String(repeating: "w", count: 40), "HERALD_PUBLIC_URL": "http://127.0.0.1:1",
         "HERALD_WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true"]
    }

    @Test("add prints the secret once, test queues an event, deliver posts it signed; update changes filter and switch; refusals name the option")
    func addTestDeliver() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        // given
        let created = try HeraldProcess.run(["admin", "create", "--email", "ops@example.com", "--organization", "Acme", "--password-stdin"],
                                            environment: environment, stdin: "Correct-Horse-42\n")
        #expect(created.status == 0, "\(created.stderr)")
        // when
        let added = try HeraldProcess.run(["webhooks", "add", "--organization", "Acme", "--url", receiver.url("ok", "cli"), "--events", "member.joined"],
                                          environment: environment)
        #expect(added.status == 0, "\(added.stderr)")
        let fields = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\t").map(String.init)
        let (id, secret) = (fields.first ?? "", fields.last ?? "")
        try await receiver.register("cli", secrets: [secret])
        let test = try HeraldProcess.run(["webhooks", "test", "--organization", "Acme", "--id", id], environment: environment)
        let deliver = try HeraldProcess.run(["webhooks", "deliver"], environment: environment)
        let list = try HeraldProcess.run(["webhooks", "list", "--organization", "Acme"], environment: environment)
        let updated = try HeraldProcess.run(["webhooks", "update", "--organization", "Acme", "--id", id, "--events", "invitation.opened,invitation.delivered",
                                             "--enabled", "false"], environment: environment)
        let badURL = try HeraldProcess.run(["webhooks", "update", "--organization", "Acme", "--id", id, "--url", "https://hooks.example.com/#x"],
                                           environment: environment)
        let afterUpdate = try HeraldProcess.run(["webhooks", "list", "--organization", "Acme"], environment: environment)
        let badEvents = try HeraldProcess.run(["webhooks", "add", "--organization", "Acme", "--url", "https://hooks.example.com", "--events", "nope"],
                                              environment: environment)
        // then
        #expect(secret.hasPrefix("whsec_"))
        #expect(test.status == 0 && deliver.stdout.contains("delivered 1"), "\(deliver.stdout) \(deliver.stderr)")
        #expect(try await receiver.log("cli").map(\.verified) == [true])
        #expect(list.stdout.contains(id) && list.stdout.contains("member.joined") && !list.stdout.contains(secret))
        #expect(updated.status == 0 && updated.stdout.contains("events: invitation.delivered invitation.opened, disabled"), "\(updated.stdout) \(updated.stderr)")
        #expect(badURL.status == 1 && badURL.stderr.contains("--url: must not have a fragment"), "\(badURL.stderr)")
        #expect(afterUpdate.stdout.contains(receiver.url("ok", "cli")) && afterUpdate.stdout.contains("disabled"))
        #expect(badEvents.status == 1 && badEvents.stderr.contains("--events: 'nope' is not an event type"), "\(badEvents.stderr)")
    }
}
