import CompressNIO
import Crypto
import Foundation
import NIOCore

/// Compresses and encrypts outbox message bodies at rest. A queued invitation carries its plain join link or
/// activation code (the recipient needs it), and everywhere else those exist only as hashes: without this, a
/// database dump or backup taken while mail is queued would hand out working links.
///
/// Bodies are deflated first: a rendered invitation (text and HTML of one template) shrinks to about a third,
/// which is most of what a 100,000-person batch writes to the database (Benchmarks/bulk-invite: the outbox was
/// 390 of 560 MB, one 2.9 KB message per 4 KB page). Then AES-256-GCM under an HKDF key of the server secret
/// (purpose "herald outbox v1", bound as associated data), stored as `magic ‖ nonce ‖ ciphertext ‖ tag`.
///
/// Three forms are read: `V2` (deflated, then sealed: what this writes), `V1` (sealed only, queued by an earlier
/// Herald) and plain RFC 5322 text (from before sealing existed; a message's first bytes are a header name, so
/// they never start with a magic). Compressing before encrypting reveals only the compressed length, and only to
/// someone who can already read the database.
struct OutboxSealer: Sendable {
    static let magic = Array("HERALD-SEALED-V2\n".utf8)
    static let uncompressedMagic = Array("HERALD-SEALED-V1\n".utf8)
    private static let purpose = Array("herald outbox v1".utf8)
    /// Fastest level with a 4 KB window: an invitation is a few KB, so a larger window gains nothing and a
    /// smaller one makes each stream's state small.
    private static let deflateSettings = ZlibConfiguration(windowSize: 12, compressionLevel: 1, memoryLevel: 5, strategy: .default)
    private static let deflate = CompressionAlgorithm.deflate(configuration: deflateSettings)
    /// Far above any message Herald queues (HTTP bodies stop at 10 MB); a corrupt stream cannot inflate past it.
    private static let largestBody = 64 << 20
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
        var packer = try packer()
        return try packer.seal(raw)
    }

    /// For sealing many bodies in a row: one deflate stream, reset between bodies, instead of setting up and
    /// freeing zlib's state 100,000 times in a bulk invitation.
    func packer() throws -> Packer {
        Packer(sealer: self, compressor: try ZlibCompressor(algorithm: .deflate, configuration: Self.deflateSettings))
    }

    struct Packer {
        let sealer: OutboxSealer
        let compressor: ZlibCompressor
        private var output = ByteBuffer()

        init(sealer: OutboxSealer, compressor: ZlibCompressor) {
            self.sealer = sealer
            self.compressor = compressor
        }

        mutating func seal(_ raw: [UInt8]) throws -> Data {
            var input = ByteBuffer(bytes: raw)
            output.clear(minimumCapacity: compressor.maxSize(from: input))
            try compressor.deflate(from: &input, to: &output, flush: .finish)
            try compressor.reset()
            guard let combined = try AES.GCM.seal(output.readableBytesView, using: sealer.key, authenticating: OutboxSealer.purpose).combined
            else { throw Unreadable() }
            return Data(OutboxSealer.magic) + combined
        }
    }

    func open(_ stored: Data) throws -> [UInt8] {
        if stored.starts(with: Self.magic) {
            var packed = ByteBuffer(bytes: try decrypt(stored.dropFirst(Self.magic.count)))
            do {
                let body = try packed.decompress(with: Self.deflate, maxSize: Self.largestBody)
                return Array(body.readableBytesView)
            } catch {
                throw Unreadable()
            }
        }
        if stored.starts(with: Self.uncompressedMagic) { return try decrypt(stored.dropFirst(Self.uncompressedMagic.count)) }
        return Array(stored)
    }

    private func decrypt(_ combined: Data) throws -> [UInt8] {
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            return Array(try AES.GCM.open(box, using: key, authenticating: Self.purpose))
        } catch {
            throw Unreadable()
        }
    }
}
