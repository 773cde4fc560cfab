import Foundation
import SQLKit

/// UUID columns read in bulk (a directory sync reads 100,000 ids and 100,000 group edges). SQLite stores Fluent's
/// UUIDs as 36-character text, and Foundation's `UUID(uuidString:)` on Linux parses it with `sscanf`; this parses
/// the ASCII digits directly. Anything it does not recognise (PostgreSQL's binary uuid, a blob, odd text) goes the
/// plain way, `decode(column:as: UUID.self)`, which `UUIDColumnTests` compares it against. Writing is the same
/// story: `uuidString` formats with `snprintf`, `UUIDText.string` gives the same uppercase text directly.
extension SQLRow {
    func decodeUUID(column: String) throws -> UUID {
        if let text = try? decode(column: column, as: String.self), let id = UUIDText.parse(text) { return id }
        return try decode(column: column, as: UUID.self)
    }

    func decodeUUIDIfPresent(column: String) throws -> UUID? {
        try decodeNil(column: column) ? nil : decodeUUID(column: column)
    }
}

enum UUIDText {
    /// The canonical 8-4-4-4-12 form in either case, as `UUID(uuidString:)` accepts it; nil for anything else.
    static func parse(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8 { utf8 -> UUID? in
            guard utf8.count == 36 else { return nil }
            var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let parsed = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
                var index = 0
                var byte = 0
                while index < 36 {
                    if index == 8 || index == 13 || index == 18 || index == 23 {
                        guard utf8[index] == UInt8(ascii: "-") else { return false }
                        index += 1
                        continue
                    }
                    guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return false }
                    out[byte] = high << 4 | low
                    byte += 1
                    index += 2
                }
                return true
            }
            return parsed ? UUID(uuid: bytes) : nil
        }
    }

    /// `uuid.uuidString`, the form SQLite rows hold (uppercase: SQLite compares text case-sensitively).
    static func string(_ uuid: UUID) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return withUnsafeBytes(of: uuid.uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                var at = 0
                for (index, byte) in raw.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 { out[at] = UInt8(ascii: "-"); at += 1 }
                    out[at] = digits[Int(byte >> 4)]
                    out[at + 1] = digits[Int(byte & 0x0F)]
                    at += 2
                }
                return at
            }
        }
    }

    private static func nibble(_ ascii: UInt8) -> UInt8? {
        switch ascii {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): ascii - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): ascii - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): ascii - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
