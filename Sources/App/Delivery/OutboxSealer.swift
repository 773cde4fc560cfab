import Crypto
import Foundation

/// Encrypts outbox message bodies at rest. A queued invitation carries its plain join link or activation code
/// (the recipient needs it), and everywhere else those exist only as hashes: without this, a database dump or
/// backup taken while mail is queued would hand out working links.
///
/// AES-256-GCM under an HKDF key of the server secret (purpose "herald outbox v1", bound as associated data),
/// stored as `magic ‖ nonce ‖ ciphertext ‖ tag`. Rows without the magic prefix are plain RFC 5322 text (queued by a
/// Herald before this existed) and are delivered as they are; a message's first bytes are a header name, so they
/// never start with the magic.
struct OutboxSealer: Sendable {
    static let magic = Array("HERALD-SEALED-V1\n".utf8)
    private static let purpose = Array("herald outbox v1".utf8)
    private let key: SymmetricKey

    init(serverSecret: String) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Array(serverSecret.utf8)),
                                     salt: Array("herald.outbox.v1".utf8), info: Self.purpose, outputByteCount: 32)
    }

    struct Unreadable: Error, CustomStringConvertible {
        var description: String {
            "the queued message cannot be decrypted: it was sealed with another HERALD_SECRET_KEY (or altered)"
        }
    }

    func seal(_ raw: [UInt8]) throws -> Data {
        guard let combined = try AES.GCM.seal(raw, using: key, authenticating: Self.purpose).combined else { throw Unreadable() }
        return Data(Self.magic) + combined
    }

    func open(_ stored: Data) throws -> [UInt8] {
        guard stored.starts(with: Self.magic) else { return Array(stored) }
        do {
            let box = try AES.GCM.SealedBox(combined: stored.dropFirst(Self.magic.count))
            return Array(try AES.GCM.open(box, using: key, authenticating: Self.purpose))
        } catch {
            throw Unreadable()
        }
    }
}
