import Foundation
import HeraldCore

/// What `herald activate` keeps on the computer besides the certificate: the installation key, in a file of its own
/// next to it (`activation-certificate.jwt.key`), readable by its owner only; and how `--heartbeat` and
/// `--deactivate` find the installation and its server again from the certificate.
enum InstallationFiles {
    static func keyFile(forCertificate path: String) -> String { path + ".key" }

    static func saveKey(_ key: String, certificate path: String) throws {
        let file = keyFile(forCertificate: path)
        guard FileManager.default.createFile(atPath: file, contents: Data((key + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw CommandError.usage("--output: cannot write '\(file)'") }
    }

    struct Saved {
        let installationID: UUID
        let issuer: URL
        let key: String
    }

    /// The installation the saved certificate names and its key. Unverified: the server checks the key, and a
    /// certificate edited to name another installation only sends that installation a key that does not match.
    static func load(certificate path: String) throws -> Saved {
        guard let token = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) else {
            throw CommandError.usage("--certificate: cannot read '\(path)'")
        }
        struct Claims: Decodable { let sub: String; let iss: String }
        let parts = token.split(separator: ".")
        guard parts.count == 3, let payload = base64URLDecode(String(parts[1])),
              let claims = try? JSONDecoder().decode(Claims.self, from: payload),
              let id = UUID(uuidString: claims.sub), let issuer = URL(string: claims.iss)
        else { throw CommandError.usage("--certificate: '\(path)' is not an activation certificate") }
        let keyPath = keyFile(forCertificate: path)
        guard let key = try? String(contentsOfFile: keyPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty
        else { throw CommandError.usage("--certificate: no installation key in '\(keyPath)' (activate again with the code to get one)") }
        return Saved(installationID: id, issuer: issuer, key: key)
    }

    private static func base64URLDecode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64)
    }
}
