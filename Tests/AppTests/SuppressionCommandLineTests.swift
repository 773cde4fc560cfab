import Foundation
import LiveServerSupport
import Testing

/// `herald suppression ...` and `herald invite bulk` end to end, through the binary.
@Suite("herald suppression and bulk command line", .serialized)
struct SuppressionCommandLineTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-suppression-cli-\(UUID().uuidString)").path

    var environment: [String: String] {
        ["HERALD_DATA_DIR": folder, "HERALD_SECRET_KEY": String(repeating: "q", count: 40), "HERALD_PUBLIC_URL": "http://127.0.0.1:1"]
    }

    func herald(_ arguments: [String], stdin: String? = nil) throws -> HeraldProcess.Output {
        try HeraldProcess.run(arguments, environment: environment, stdin: stdin)
    }

    @Test("add, list, export, import and clear; a suppressed address is refused by invite join; bulk previews then revokes")
    func suppressionAndBulk() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // given
        let created = try herald(["admin", "create", "--email", "ops@example.com", "--organization", "Acme", "--password-stdin"], stdin: "Correct-Horse-42\n")
        #expect(created.status == 0, "\(created.stderr)")
        let org = ["--organization", "Acme"]
        // when
        let added = try herald(["suppression", "add"] + org + ["--address", "Gone@Example.com", "--note", "=cmd|' /C calc'!A0"])
        let badAddress = try herald(["suppression", "add"] + org + ["--address", "nope"])
        let invited = try herald(["invite", "join"] + org + ["--email", "gone@example.com,kept@example.com"])
        let csvPath = folder + "/suppressions.csv"
        let exported = try herald(["suppression", "export"] + org + ["--file", csvPath])
        let csv = (try? String(contentsOfFile: csvPath, encoding: .utf8)) ?? ""
        let cleared = try herald(["suppression", "clear"] + org + ["--address", "gone@example.com"])
        let clearedAgain = try herald(["suppression", "clear"] + org + ["--address", "gone@example.com"])
        let imported = try herald(["suppression", "import"] + org + ["--file", csvPath])
        let listed = try herald(["suppression", "list"] + org)
        let preview = try herald(["invite", "bulk"] + org + ["--action", "revoke", "--kind", "join", "--status", "pending"])
        let revoked = try herald(["invite", "bulk"] + org + ["--action", "revoke", "--kind", "join", "--status", "pending", "--confirm"])
        let badBulk = try herald(["invite", "bulk"] + org + ["--action", "explode", "--older-than-days", "soon"])
        // then
        #expect(added.status == 0 && added.stdout.contains("suppressed gone@example.com"), "\(added.stderr)")
        #expect(badAddress.status != 0 && badAddress.stderr.contains("--address: nope is not a valid email address"), "\(badAddress.stderr)")
        #expect(invited.stdout.contains("gone@example.com\tsuppressed\tgone@example.com is on the suppression list"), "\(invited.stdout)")
        #expect(invited.stdout.contains("1 invited, 1 not"))
        #expect(exported.status == 0 && csv.contains("gone@example.com,manual,'=cmd|' /C calc'!A0,command line,"), "\(csv)")
        #expect(cleared.status == 0 && clearedAgain.status != 0)
        #expect(imported.status == 0 && imported.stdout.contains("1 added"), "\(imported.stdout) \(imported.stderr)")
        #expect(listed.stdout.contains("gone@example.com\timported\t=cmd|' /C calc'!A0\tcommand line"), "\(listed.stdout)")
        #expect(preview.stdout.contains("1 pending join invitations would be revoked"), "\(preview.stdout)")
        #expect(revoked.status == 0 && revoked.stdout.contains("1 of 1 revoked"), "\(revoked.stdout) \(revoked.stderr)")
        #expect(badBulk.status != 0 && badBulk.stderr.contains("--older-than-days: must be a whole number"), "\(badBulk.stderr)")
    }
}
