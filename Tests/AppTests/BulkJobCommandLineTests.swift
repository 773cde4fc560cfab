import Foundation
import LiveServerSupport
import Testing

/// `herald invite bulk` over a large selection, through the binary: a job it works itself with progress lines, or
/// queues for `herald serve` with `--no-wait`.
@Suite("herald invite bulk as a job")
struct BulkJobCommandLineTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-bulk-cli-\(UUID().uuidString)").path

    var environment: [String: String] {
        ["HERALD_DATA_DIR": folder, "HERALD_SECRET_KEY": String(repeating: "q", count: 40), "HERALD_PUBLIC_URL": "http://127.0.0.1:1"]
    }

    func herald(_ arguments: [String], stdin: String? = nil) throws -> HeraldProcess.Output {
        try HeraldProcess.run(arguments, environment: environment, stdin: stdin)
    }

    @Test("more than 200 matches: --no-wait queues the job; without it the command works the job and prints its progress")
    func progressLines() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // given: 250 pending join invitations
        let created = try herald(["admin", "create", "--email", "ops@example.com", "--organization", "Acme", "--password-stdin"], stdin: "Correct-Horse-42\n")
        #expect(created.status == 0, "\(created.stderr)")
        let org = ["--organization", "Acme"]
        let invited = try herald(["invite", "join"] + org + ["--email", (0..<250).map { "cli\($0)@example.com" }.joined(separator: ",")])
        #expect(invited.status == 0, "\(invited.stderr)")
        // when
        let queued = try herald(["invite", "bulk"] + org + ["--action", "resend", "--kind", "join", "--confirm", "--no-wait"])
        let revoked = try herald(["invite", "bulk"] + org + ["--action", "revoke", "--kind", "join", "--status", "pending", "--confirm"])
        // then
        #expect(queued.status == 0 && queued.stdout.contains(": 250 join invitations queued"), "\(queued.stdout) \(queued.stderr)")
        #expect(!queued.stdout.contains("processed"))
        let lines = revoked.stdout.split(separator: "\n").filter { $0.contains(" processed ") }
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(lines.first == "50 of 250 processed (50 revoked, 0 left as they were)", "\(revoked.stdout)")
        #expect(lines.last == "250 of 250 processed (250 revoked, 0 left as they were)", "\(revoked.stdout)")
        #expect(lines.count == 5)
    }
}
