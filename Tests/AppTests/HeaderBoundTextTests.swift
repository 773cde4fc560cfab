@testable import App
import Fluent
import Foundation
import MIME
import Testing
import Vapor
import VaporTesting

/// Text that reaches a mail header (names, sender names, product names, subjects) is refused where it is typed when
/// it holds a line break or a control character, and text stored before that rule still lets every mail action work.
@Suite("Header-bound text")
struct HeaderBoundTextTests {
    static let smuggledBcc = "Evil\r\nBcc: x@x.example"

    static func apiHeaders(_ app: Application) async throws -> HTTPHeaders {
        let created = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
        let token = try await APITokenService.create(name: "ci", scope: .administration, organizationID: try created.organization.requireID(), accountID: try created.account.requireID(),
                                                     actor: .commandLine, on: app.db).token
        return ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
    }

    static func json(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(data: try JSONSerialization.data(withJSONObject: object))
    }

    /// The header section of a queued message, unfolded, one field a line.
    static func headerLines(_ message: OutboxMessage) -> [String] {
        let text = String(decoding: OutboxReader.raw(message), as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
        return head.replacingOccurrences(of: "\r\n ", with: " ").components(separatedBy: "\r\n")
    }

    @Test("a new account named with a smuggled Bcc header is refused on the join page, in the invitee's language")
    func joinPageRefusesLineBreaksInTheName() async throws {
        try await withHerald { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "nia@example.com", "language": "de"], csrfFrom: "/console/invitations")
            let path = try await OutboxReader.joinPath(app, to: "nia@example.com")
            var invitee = BrowserSession(app)
            // when
            let response = try await invitee.post(path, form: ["mode": "create", "name": Self.smuggledBcc, "password": "Sturdy-Pass-77",
                                                              "password_confirmation": "Sturdy-Pass-77"], csrfFrom: path)
            // then
            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains("Ihr Name muss in einer Zeile stehen"))
            #expect(try await Account.query(on: app.db).filter(\.$email == "nia@example.com").first() == nil)
        }
    }

    @Test("a member whose stored name holds CR LF and control characters can still be blocked and removed, and is told by email")
    func storedBadNameStillBlocksAndRemoves() async throws {
        try await withHerald { app in
            // given: a name from before the rule, written straight into the database (PostgreSQL refuses NUL in text,
            // so BEL stands for the control characters)
            var (admin, _, nia) = try await MembersTests.acmeWithMember(app)
            let account = try #require(try await Account.find(nia.$account.id, on: app.db))
            account.name = Self.smuggledBcc + "\u{7}\u{2028}"
            try await account.save(on: app.db)
            // when
            let blocked = try await admin.post("/console/members/\(try nia.requireID().uuidString)/block", form: ["confirm": "yes"], csrfFrom: "/console/members")
            let removed = try await admin.post("/console/members/\(try nia.requireID().uuidString)/remove", form: ["confirm": "yes"], csrfFrom: "/console/members")
            // then
            #expect(blocked.status == .seeOther)
            #expect(removed.status == .seeOther)
            let notices = try await OutboxReader.messages(app, to: "nia@example.com").suffix(2)
            #expect(notices.count == 2)
            for notice in notices {
                let headers = Self.headerLines(notice)
                #expect(headers.contains { $0.hasPrefix("To: ") && $0.contains("Evil Bcc: x@x.example") && $0.contains("<nia@example.com>") })
                #expect(!headers.contains { $0.lowercased().hasPrefix("bcc:") })
            }
        }
    }

    @Test("sender_name with CR LF is refused by the API and the console form")
    func senderNameWithCRLFIsRefused() async throws {
        try await withHerald { app in
            // given
            let headers = try await Self.apiHeaders(app)
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator(email: "second@example.com", organization: "Beta")
            // when
            let api = try await app.testing().sendRequest(.PUT, "/api/v1/mail-settings", headers: headers, body: try Self.json([
                "transport": "file", "sender_address": "it@acme.example", "sender_name": "Acme\r\nBcc: x@x.example",
            ]))
            let form = try await admin.post("/console/mail", form: ["transport": "file", "sender_address": "it@beta.example",
                                                                   "sender_name": "Beta\r\nBcc: x@x.example"], csrfFrom: "/console/mail")
            // then
            #expect(api.status == .unprocessableEntity)
            #expect(try api.content.get(String.self, at: "reason").contains("sender_name: must be one line"))
            #expect(form.status == .unprocessableEntity || form.status == .badRequest)
            #expect(form.body.string.contains("sender_name: must be one line"))
            #expect(try await MailSettings.query(on: app.db).all().allSatisfy { !($0.senderName ?? "").contains("Bcc") })
        }
    }

    @Test("a stored sender name and product name with CR LF do not stop join and install invitations")
    func storedBadSenderAndProductStillSend() async throws {
        try await withHerald { app in
            // given
            let headers = try await Self.apiHeaders(app)
            _ = try await app.testing().sendRequest(.PUT, "/api/v1/mail-settings", headers: headers, body: try Self.json([
                "transport": "file", "sender_address": "it@acme.example", "sender_name": "Acme IT",
            ]))
            let settings = try #require(try await MailSettings.query(on: app.db).first())
            settings.senderName = "Acme\r\nBcc: x@x.example"
            try await settings.save(on: app.db)
            let created = try await app.testing().sendRequest(.POST, "/api/v1/license-keys", headers: headers, body: try Self.json([
                "name": "Studio", "product": "Studio Pro", "seats": 5,
            ]))
            let keyID = try created.content.get(UUID.self, at: "id")
            let key = try #require(try await LicenseKey.find(keyID, on: app.db))
            key.product = "Studio\r\nBcc: x@x.example"
            try await key.save(on: app.db)
            // when
            let join = try await app.testing().sendRequest(.POST, "/api/v1/invitations/join", headers: headers,
                                                           body: try Self.json(["emails": ["nia@example.com"]]))
            let install = try await app.testing().sendRequest(.POST, "/api/v1/license-keys/\(keyID.uuidString)/invitations", headers: headers,
                                                              body: try Self.json(["emails": ["tom@example.com"]]))
            // then
            #expect(join.status == .created)
            #expect(install.status == .created)
            for address in ["nia@example.com", "tom@example.com"] {
                let message = try #require(try await OutboxReader.messages(app, to: address).last)
                #expect(!Self.headerLines(message).contains { $0.lowercased().hasPrefix("bcc:") })
            }
        }
    }

    @Test("CR LF in a product name, NUL in key, token and group names and in a personal message are refused, naming the field",
          arguments: [
              ("/api/v1/license-keys", #"{"name":"Studio","product":"Studio\r\nBcc: x@x.example","seats":5}"#, "product: must be one line"),
              ("/api/v1/license-keys", #"{"name":"Stu\u0000dio","product":"Studio Pro","seats":5}"#, "name: contains a control character (U+0000)"),
              ("/api/v1/api-tokens", #"{"name":"de\u0000ploy"}"#, "name: contains a control character (U+0000)"),
              ("/api/v1/api-tokens", #"{"name":"deploy\u202Egpj.exe"}"#, "name: contains a text direction override (U+202E)"),
              ("/api/v1/directory/groups", #"{"name":"Sales\u2028Bcc"}"#, "name: the group name must be one line"),
              ("/api/v1/invitations/join", #"{"emails":["nia@example.com"],"message":"Hello\u0000there"}"#,
               "message: contains a control character (U+0000)"),
          ])
    func apiRefusesBadText(path: String, body: String, reason: String) async throws {
        try await withHerald { app in
            let headers = try await Self.apiHeaders(app)
            let response = try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body))
            #expect(response.status == .badRequest)
            #expect(try response.content.get(String.self, at: "reason").contains(reason))
        }
    }

    @Test("a personal message keeps its line breaks, stored as LF")
    func personalMessageKeepsLineBreaks() async throws {
        try await withHerald { app in
            let headers = try await Self.apiHeaders(app)
            let response = try await app.testing().sendRequest(.POST, "/api/v1/invitations/join", headers: headers,
                                                               body: try Self.json(["emails": ["nia@example.com"], "message": "Hello\r\nsee you\tsoon"]))
            #expect(response.status == .created)
            let invitation = try #require(try await Invitation.query(on: app.db).filter(\.$email == "nia@example.com").first())
            #expect(invitation.message == "Hello\nsee you\tsoon")
        }
    }
}
