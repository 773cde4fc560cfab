import Crypto
import Foundation
import Vapor

/// A position in a list, handed to the client as an opaque token (`?cursor=`) and checked when it comes back.
///
/// Lists are read by keyset ("the rows after this one"), never by offset: the page after a million rows costs what
/// the first page costs, and rows added meanwhile neither repeat a row nor hide one. The token names the row a page
/// ended on (its id, and its sort value for when that row is gone by the time the token returns), the ordering it
/// belongs to and the direction. An HMAC under the server's secret makes it tamper-evident: a client cannot point a
/// list at a made-up position or at a row of another list.
struct ListCursor: Sendable, Equatable {
    enum Direction: String, Codable, Sendable {
        /// On in the list's order (the "next" page: older rows of a newest-first list).
        case forward = "f"
        /// Back towards the list's start (the "previous" page).
        case backward = "b"
    }

    /// The sort value of the row the page ended on, as the application read it.
    enum Value: Sendable, Equatable {
        case date(Date)
        case text(String)
    }

    let ordering: String
    let id: UUID
    let value: Value
    let direction: Direction

    static let field = "cursor"
    static let malformed = Abort(.badRequest, reason: "cursor: is not a position in this list (use the links Herald gave, unchanged)")

    private struct Payload: Codable {
        var o: String
        var i: UUID
        var b: Direction
        var d: Double?
        var t: String?
    }

    /// `payload.signature`, both base64url: short enough for a link, opaque to people, checked on return.
    func token(key: SymmetricKey) -> String {
        var payload = Payload(o: ordering, i: id, b: direction)
        switch value {
        case .date(let date): payload.d = date.timeIntervalSinceReferenceDate
        case .text(let text): payload.t = text
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = (try? encoder.encode(payload)) ?? Data()
        let signature = Data(HMAC<SHA256>.authenticationCode(for: body, using: key)).prefix(Self.signatureBytes)
        return Self.base64URL(body) + "." + Self.base64URL(signature)
    }

    /// The cursor a token names, if it is one Herald signed for this ordering; otherwise a 400 naming the field.
    init(token: String, ordering: String, key: SymmetricKey) throws(Abort) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 2_000, parts.count == 2, let body = Self.data(base64URL: parts[0]),
              let signature = Self.data(base64URL: parts[1]), signature.count == Self.signatureBytes,
              // Compared in constant time: the comparison must not tell a forger how many bytes were right.
              Data(HMAC<SHA256>.authenticationCode(for: body, using: key)).prefix(Self.signatureBytes).elementsEqualConstantTime(signature),
              let payload = try? JSONDecoder().decode(Payload.self, from: body), payload.o == ordering
        else { throw Self.malformed }
        switch (payload.d, payload.t) {
        case (let seconds?, nil) where seconds.isFinite: value = .date(Date(timeIntervalSinceReferenceDate: seconds))
        case (nil, let text?): value = .text(text)
        default: throw Self.malformed
        }
        self.ordering = ordering
        id = payload.i
        direction = payload.b
    }

    init(ordering: String, id: UUID, value: Value, direction: Direction) {
        self.ordering = ordering
        self.id = id
        self.value = value
        self.direction = direction
    }

    /// 128 bits: forging one is out of reach, and the token stays short.
    private static let signatureBytes = 16

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func data(base64URL text: Substring) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        // Only the one spelling Herald writes: the spare bits of a last character are ignored by the decoder, and a
        // second spelling of the same token would be a token nobody issued.
        guard let data = Data(base64Encoded: base64), Self.base64URL(data) == text else { return nil }
        return data
    }

    /// The key cursors are signed with, derived from the server secret for this purpose alone.
    static func signingKey(serverSecret: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Array(serverSecret.utf8)),
                               salt: Array("herald.list-cursors.v1".utf8), info: Array("hmac".utf8), outputByteCount: 32)
    }
}

private extension Data {
    func elementsEqualConstantTime(_ other: Data) -> Bool {
        guard count == other.count else { return false }
        return zip(self, other).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
