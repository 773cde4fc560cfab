import Crypto
import Foundation
import Logging

/// Loads the server secret from `HERALD_DATA_DIR/secret.key`, creating it on first run.
///
/// The secret signs sessions' CSRF tokens and derives the keys that encrypt SMTP passwords and license keys,
/// so it must survive restarts: losing it makes stored secrets unreadable.
enum SecretKeyStore {
    static let fileName = "secret.key"

    static func loadOrCreate(dataDirectory: String, logger: Logger) throws -> String {
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        let fileManager = FileManager.default
        if let data = fileManager.contents(atPath: path) {
            let key = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard key.utf8.count >= 32 else {
                throw SecretKeyError.tooShort(path: path)
            }
            return key
        }
        try fileManager.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
        // Created with 0600 from the start (not chmod afterwards) so the key is never readable by others.
        guard fileManager.createFile(atPath: path, contents: Data((key + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw SecretKeyError.cannotWrite(path: path)
        }
        logger.notice("HERALD_SECRET_KEY is not set: generated a new secret key in \(path) (mode 0600). Back it up with the database.")
        return key
    }
}

enum SecretKeyError: Error, CustomStringConvertible {
    case tooShort(path: String)
    case cannotWrite(path: String)

    var description: String {
        switch self {
        case .tooShort(let path): "the secret key in \(path) is shorter than 32 characters; fix or remove it"
        case .cannotWrite(let path): "cannot write the secret key to \(path); check HERALD_DATA_DIR's permissions"
        }
    }
}
