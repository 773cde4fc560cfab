import Foundation

/// A received message or one of its parts, read only as far as bounce reports need: unfolded headers, the body with
/// its transfer encoding undone, and the parts of a multipart body. Mail from remote servers is hostile input: every
/// header is read as Latin-1 when it is not UTF-8 (no byte makes it fail), nesting is bounded, and nothing here
/// allocates more than the message's own size.
public struct MIMEEntity: Sendable {
    /// Header fields in order, names as written; values unfolded (CRLF + whitespace becomes one space).
    public let headers: [(name: String, value: String)]
    /// The body with base64 or quoted-printable undone.
    public let body: [UInt8]
    /// The parts of a `multipart/*` body, in order; empty for any other type.
    public let parts: [MIMEEntity]

    /// Parts nested deeper than this are read as opaque bodies (a report is two levels deep; a loop of
    /// forwarded bounces should not recurse without end).
    static let maximumDepth = 8

    public init(_ bytes: [UInt8]) { self.init(bytes[...], depth: 0) }

    init(_ bytes: ArraySlice<UInt8>, depth: Int) {
        let (headerBytes, bodyBytes) = Self.splitHeaderBlock(bytes)
        headers = Self.parseHeaders(headerBytes)
        let type = Self.contentType(in: headers)
        let encoding = (Self.value("content-transfer-encoding", in: headers) ?? "").lowercased().trimmingWhitespace()
        if type.value.hasPrefix("multipart/"), let boundary = type.parameters["boundary"], !boundary.isEmpty, depth < Self.maximumDepth {
            body = Array(bodyBytes)
            parts = Self.split(bodyBytes, boundary: boundary).map { MIMEEntity($0, depth: depth + 1) }
        } else {
            body = Self.decode(bodyBytes, encoding: encoding)
            parts = []
        }
    }

    /// The first value of a header field, by case-insensitive name.
    public func header(_ name: String) -> String? { Self.value(name, in: headers) }

    /// Every value of a header field, by case-insensitive name.
    public func headerValues(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return headers.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// The media type in lower case (`text/plain` when absent, RFC 2045 5.2) and its parameters (names lower case).
    public var contentType: (value: String, parameters: [String: String]) { Self.contentType(in: headers) }

    /// This entity and every part below it, depth first.
    public var allEntities: [MIMEEntity] { [self] + parts.flatMap(\.allEntities) }

    /// The body as text: UTF-8 where it is valid, otherwise Latin-1 (every byte is a character).
    public var text: String { Self.string(body) }

    static func string(_ bytes: some Collection<UInt8>) -> String {
        String(validating: bytes, as: UTF8.self) ?? String(bytes.map { Character(Unicode.Scalar($0)) })
    }

    static func value(_ name: String, in headers: [(name: String, value: String)]) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// Header block and body, split at the first empty line (CRLF or bare LF).
    static func splitHeaderBlock(_ bytes: ArraySlice<UInt8>) -> (ArraySlice<UInt8>, ArraySlice<UInt8>) {
        var index = bytes.startIndex
        var lineStart = index
        while index < bytes.endIndex {
            if bytes[index] == 0x0A {
                let line = bytes[lineStart..<index]
                if line.isEmpty || line == [0x0D] { return (bytes[bytes.startIndex..<lineStart], bytes[(index + 1)...]) }
                lineStart = index + 1
            }
            index += 1
        }
        // No empty line: all headers when the text starts like one, else (a part with no headers) all body.
        let first = bytes.prefix { $0 != 0x0A }
        return first.contains(0x3A) && first.first.map({ $0 != 0x20 && $0 != 0x09 }) == true
            ? (bytes, bytes[bytes.endIndex...]) : (bytes[bytes.startIndex..<bytes.startIndex], bytes)
    }

    static func parseHeaders(_ bytes: ArraySlice<UInt8>) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        for rawLine in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            var line = rawLine
            if line.last == 0x0D { line = line.dropLast() }
            guard let first = line.first else { continue }
            if first == 0x20 || first == 0x09 {
                // A continuation line belongs to the field before it (RFC 5322 2.2.3).
                if !fields.isEmpty { fields[fields.count - 1].value += " " + string(line).trimmingWhitespace() }
                continue
            }
            guard let colon = line.firstIndex(of: 0x3A) else { continue }
            let name = string(line[line.startIndex..<colon]).trimmingWhitespace()
            guard !name.isEmpty, !name.contains(" ") else { continue }
            fields.append((name, string(line[(colon + 1)...]).trimmingWhitespace()))
        }
        return fields
    }

    static func contentType(in headers: [(name: String, value: String)]) -> (value: String, parameters: [String: String]) {
        guard let raw = value("content-type", in: headers) else { return ("text/plain", [:]) }
        let pieces = raw.split(separator: ";", omittingEmptySubsequences: true)
        let type = pieces.first.map { $0.trimmingWhitespace().lowercased() } ?? "text/plain"
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<equals].trimmingWhitespace().lowercased()
            var value = piece[piece.index(after: equals)...].trimmingWhitespace()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            parameters[name] = value
        }
        return (type, parameters)
    }

    /// The parts between `--boundary` lines, up to `--boundary--` (RFC 2046 5.1.1); preamble and epilogue dropped.
    static func split(_ body: ArraySlice<UInt8>, boundary: String) -> [ArraySlice<UInt8>] {
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var lineStart = body.startIndex
        while lineStart < body.endIndex {
            let lineEnd = body[lineStart...].firstIndex(of: 0x0A) ?? body.endIndex
            var line = body[lineStart..<lineEnd]
            if line.last == 0x0D { line = line.dropLast() }
            while line.last == 0x20 || line.last == 0x09 { line = line.dropLast() }
            if line.starts(with: delimiter) {
                let rest = line.dropFirst(delimiter.count)
                if rest.isEmpty || rest.elementsEqual([0x2D, 0x2D]) {
                    if let start = partStart {
                        // The line break before a delimiter belongs to the delimiter.
                        var end = lineStart
                        if end > start, body[end - 1] == 0x0A { end -= 1 }
                        if end > start, body[end - 1] == 0x0D { end -= 1 }
                        parts.append(body[start..<end])
                    }
                    if !rest.isEmpty { return parts }
                    partStart = min(lineEnd + 1, body.endIndex)
                }
            }
            lineStart = lineEnd + 1
        }
        // A report cut off before its closing delimiter: keep the last part as it stands.
        if let start = partStart, start < body.endIndex { parts.append(body[start...]) }
        return parts
    }

    static func decode(_ body: ArraySlice<UInt8>, encoding: String) -> [UInt8] {
        switch encoding {
        case "base64":
            return Data(base64Encoded: Data(body.filter { $0 > 0x20 }), options: .ignoreUnknownCharacters).map(Array.init) ?? Array(body)
        case "quoted-printable":
            return decodeQuotedPrintable(body)
        default:
            return Array(body)
        }
    }

    /// RFC 2045 6.7: `=XX` is a byte, `=` at a line end is a soft break; anything malformed stays as it is.
    static func decodeQuotedPrintable(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var index = body.startIndex
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        while index < body.endIndex {
            let byte = body[index]
            guard byte == 0x3D else { out.append(byte); index += 1; continue }
            let next = body.index(after: index)
            if next < body.endIndex, body[next] == 0x0A { index = next + 1; continue }
            if next + 1 < body.endIndex, body[next] == 0x0D, body[next + 1] == 0x0A { index = next + 2; continue }
            if next + 1 < body.endIndex, let high = hex(body[next]), let low = hex(body[next + 1]) {
                out.append(high << 4 | low)
                index = next + 2
                continue
            }
            out.append(byte)
            index += 1
        }
        return out
    }
}
