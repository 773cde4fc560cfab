import Crypto
import Foundation

/// What `herald activate --offline-request` writes on a computer without internet, to be carried to one with it:
/// the machine, the activation code, a random nonce and an Ed25519 public key made on the machine, all signed with
/// that key's private half (which never leaves the machine).
///
/// The signature covers `signingBytes`: the request encoded with sorted keys and whole-second dates, so the server
/// recomputes the same bytes from the decoded file however the file was pretty-printed on the way. It proves that
/// the file was not altered since the machine made it (a changed fingerprint or nonce no longer verifies), not who
/// made it: the code in it is the authority, as it is online.
public struct OfflineActivationRequest: Codable, Sendable, Equatable {
    public struct Machine: Codable, Sendable, Equatable {
        public var fingerprint: String
        public var computerName: String
        public var operatingSystem: String
        public var serialNumber: String?
        public var macAddress: String?

        public init(fingerprint: String, computerName: String, operatingSystem: String, serialNumber: String?, macAddress: String?) {
            self.fingerprint = fingerprint
            self.computerName = computerName
            self.operatingSystem = operatingSystem
            self.serialNumber = serialNumber
            self.macAddress = macAddress
        }
    }

    public var code: String
    public var machine: Machine
    /// 32 random bytes, base64url: the response names it, so a response is only ever taken for its own request.
    public var nonce: String
    public var createdAt: Date
    /// The machine's Ed25519 public key, raw 32 bytes in base64url (a JWK's `x`).
    public var publicKey: String

    /// A new request signed with a key pair made for it; the private key is returned to be kept beside the file.
    public static func make(code: String, machine: Machine, now: Date) throws -> (request: SignedOfflineActivationRequest, privateKey: Curve25519.Signing.PrivateKey) {
        let privateKey = Curve25519.Signing.PrivateKey()
        var nonce = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in nonce.indices { nonce[index] = generator.next() }
        let request = OfflineActivationRequest(
            code: code, machine: machine, nonce: TokenGenerator.base64URL(nonce),
            createdAt: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)),
            publicKey: TokenGenerator.base64URL(Array(privateKey.publicKey.rawRepresentation))
        )
        return (try SignedOfflineActivationRequest(request: request, signedWith: privateKey), privateKey)
    }

    /// The bytes the signature covers.
    public func signingBytes() throws -> Data {
        try Self.canonicalEncoder.encode(self)
    }

    /// RFC 7638 thumbprint of the public key as an OKP JWK: what the certificate's `cnf.jkt` (RFC 9449 section 6.1)
    /// and the response name, so a product can tell which key its certificate was issued for.
    public var keyThumbprint: String {
        OfflineActivationKeys.thumbprint(publicKey: publicKey)
    }

    static let canonicalEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// The request file: its content and the machine key's signature over `OfflineActivationRequest.signingBytes()`.
public struct SignedOfflineActivationRequest: Codable, Sendable, Equatable {
    public static let currentFormat = "herald-offline-activation-request-v1"
    /// More than any real request (a few hundred bytes); a bigger upload is refused before it is parsed.
    public static let maximumSize = 16 * 1024

    public var format: String
    public var request: OfflineActivationRequest
    /// Ed25519 over the signing bytes, base64url.
    public var signature: String

    public init(request: OfflineActivationRequest, signedWith key: Curve25519.Signing.PrivateKey) throws {
        format = Self.currentFormat
        self.request = request
        signature = TokenGenerator.base64URL(Array(try key.signature(for: request.signingBytes())))
    }

    /// The file as written: readable by whoever carries it.
    public func fileContents() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Parses a request file and checks its signature against the key it carries.
    public static func verified(_ data: Data) throws(OfflineActivationRequestProblem) -> OfflineActivationRequest {
        guard data.count <= maximumSize else { throw .notARequest }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let file = try? decoder.decode(SignedOfflineActivationRequest.self, from: data), file.format == currentFormat else {
            throw .notARequest
        }
        guard let keyBytes = OfflineActivationKeys.decodeBase64URL(file.request.publicKey), keyBytes.count == 32,
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes) else { throw .badPublicKey }
        guard let nonce = OfflineActivationKeys.decodeBase64URL(file.request.nonce), nonce.count == 32 else { throw .badNonce }
        guard let signature = OfflineActivationKeys.decodeBase64URL(file.signature), let signed = try? file.request.signingBytes(),
              key.isValidSignature(signature, for: signed) else { throw .badSignature }
        return file.request
    }
}

/// Why a request file was refused before its code was looked at.
public enum OfflineActivationRequestProblem: Error, Sendable, Equatable {
    /// Not JSON, not this format, or too big.
    case notARequest
    /// `publicKey` is not a raw Ed25519 key in base64url.
    case badPublicKey
    /// `nonce` is not 32 bytes in base64url.
    case badNonce
    /// The signature does not match the request and its key: altered after it was made, or never signed by it.
    case badSignature

    /// The field the problem is in, for "field: message" answers.
    public var field: String {
        switch self {
        case .notARequest: "request"
        case .badPublicKey: "publicKey"
        case .badNonce: "nonce"
        case .badSignature: "signature"
        }
    }
}

/// The machine key's encodings, shared by the client and the server.
public enum OfflineActivationKeys {
    public static func thumbprint(publicKey: String) -> String {
        // RFC 7638 section 3.2: the required members only, in lexicographic order, no whitespace.
        let jwk = #"{"crv":"Ed25519","kty":"OKP","x":"\#(publicKey)"}"#
        return TokenGenerator.base64URL(Array(SHA256.hash(data: Array(jwk.utf8))))
    }

    public static func thumbprint(of key: Curve25519.Signing.PublicKey) -> String {
        thumbprint(publicKey: TokenGenerator.base64URL(Array(key.rawRepresentation)))
    }

    public static func decodeBase64URL(_ text: String) -> Data? {
        guard text.utf8.count <= 4096, text.utf8.allSatisfy({ $0 != UInt8(ascii: "=") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64)
    }
}
