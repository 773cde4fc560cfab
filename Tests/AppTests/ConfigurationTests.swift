@testable import App
import Foundation
import Testing

@Suite("Configuration from the environment")
struct ConfigurationTests {
    @Test("defaults give SQLite in ./var and the file transport")
    func defaults() throws {
        // when
        let configuration = try Configuration.fromEnvironment([:])
        // then
        #expect(configuration.database == .sqlite(path: "./var/herald.sqlite"))
        #expect(configuration.dataDirectory == "./var")
        #expect(configuration.defaultMailTransport == .file)
        #expect(configuration.secretKey == nil)
    }

    @Test("every bad variable is listed at once")
    func listsEveryProblem() {
        // given
        let environment = [
            "DATABASE_URL": "mysql://nope",
            "HERALD_PUBLIC_URL": "ftp://example.com",
            "HERALD_SECRET_KEY": "short",
            "HERALD_MAIL_TRANSPORT": "pigeon",
            "HERALD_AUTO_MIGRATE": "maybe",
            "LOG_LEVEL": "loud",
        ]
        // when
        let error = #expect(throws: ConfigurationError.self) { try Configuration.fromEnvironment(environment) }
        // then
        let names = error?.problems.map { String($0.prefix { $0 != ":" }) } ?? []
        #expect(names == ["DATABASE_URL", "HERALD_PUBLIC_URL", "HERALD_SECRET_KEY", "HERALD_MAIL_TRANSPORT", "LOG_LEVEL", "HERALD_AUTO_MIGRATE"])
    }

    @Test("database URLs", arguments: [
        ("sqlite:///srv/herald/db.sqlite", Configuration.Database.sqlite(path: "/srv/herald/db.sqlite")),
        ("sqlite://data/h.sqlite", .sqlite(path: "data/h.sqlite")),
        ("postgres://u:p@db:5432/herald", .postgres(url: "postgres://u:p@db:5432/herald")),
    ])
    func parsesDatabaseURLs(raw: String, expected: Configuration.Database) throws {
        #expect(try Configuration.fromEnvironment(["DATABASE_URL": raw]).database == expected)
    }

    @Test("bad database URLs say why and never echo the password", arguments: [
        ("postgres://u:secret@/herald", "no host"),
        ("postgres://u:secret@db:5432/", "names no database"),
        ("postgres://db:5432/herald", "no user name"),
        ("sqlite://", "no file path"),
        ("redis://u:secret@db/0", "must start with"),
    ])
    func rejectsBadDatabaseURLs(raw: String, reason: String) {
        let error = #expect(throws: ConfigurationError.self) { try Configuration.fromEnvironment(["DATABASE_URL": raw]) }
        let message = error?.description ?? ""
        #expect(message.contains(reason))
        #expect(!message.contains("secret"))
    }

    @Test("the inbound SMTP listener is off unless HERALD_INBOUND_SMTP_PORT is set, on loopback unless a host is given; a bad port is named")
    func inboundSMTP() throws {
        #expect(try Configuration.fromEnvironment([:]).inboundSMTP == nil)
        #expect(try Configuration.fromEnvironment(["HERALD_INBOUND_SMTP_PORT": "2525"]).inboundSMTP == InboundSMTPSettings(host: "127.0.0.1", port: 2525))
        let everywhere = try Configuration.fromEnvironment(["HERALD_INBOUND_SMTP_PORT": "25", "HERALD_INBOUND_SMTP_HOST": "0.0.0.0"])
        #expect(everywhere.inboundSMTP == InboundSMTPSettings(host: "0.0.0.0", port: 25))
        for bad in ["0", "65536", "25x", "-1"] {
            let error = #expect(throws: ConfigurationError.self) { try Configuration.fromEnvironment(["HERALD_INBOUND_SMTP_PORT": bad]) }
            #expect(error?.problems == ["HERALD_INBOUND_SMTP_PORT: '\(bad)' is not a port number (1 to 65535)"])
        }
    }

    @Test("the public URL builds links without a double slash")
    func publicURLLinks() throws {
        let configuration = try Configuration.fromEnvironment(["HERALD_PUBLIC_URL": "https://herald.example.com/"])
        #expect(configuration.link("setup", "abc") == "https://herald.example.com/setup/abc")
    }

    @Test("a generated secret key is stored with mode 0600 and reused")
    func secretKeyFile() throws {
        // given
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // when
        let first = try SecretKeyStore.loadOrCreate(dataDirectory: folder, logger: .init(label: "test"))
        let second = try SecretKeyStore.loadOrCreate(dataDirectory: folder, logger: .init(label: "test"))
        // then
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/secret.key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(first == second)
        #expect(first.utf8.count >= 32)
    }
}
