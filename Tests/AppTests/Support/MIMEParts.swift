import Foundation

/// Reads a queued message's raw MIME the way a mail reader does: headers, then each multipart/alternative part
/// decoded from quoted-printable or base64, so tests check what a recipient actually sees.
struct MIMEParts {
    let headers: String
    let text: String
    let html: String

    init(raw: Data) throws {
        let message = String(decoding: raw, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        guard let split = message.range(of: "\n\n") else { throw TestSetupError("no header/body separator") }
        headers = String(message[..<split.lowerBound])
        guard let boundaryRange = headers.range(of: #"boundary="([^"]+)""#, options: .regularExpression) else {
            throw TestSetupError("not multipart: \(headers)")
        }
        let boundary = String(headers[boundaryRange].dropFirst("boundary=\"".count).dropLast())
        var parts: [String: String] = [:]
        for chunk in message[split.upperBound...].components(separatedBy: "--\(boundary)") {
            guard let partSplit = chunk.range(of: "\n\n") else { continue }
            let partHeaders = chunk[..<partSplit.lowerBound].lowercased()
            let body = String(chunk[partSplit.upperBound...])
            let decoded: String
            if partHeaders.contains("content-transfer-encoding: base64") {
                decoded = String(decoding: Data(base64Encoded: body.filter { !$0.isWhitespace }) ?? Data(), as: UTF8.self)
            } else if partHeaders.contains("quoted-printable") {
                decoded = Self.decodeQuotedPrintable(body)
            } else {
                decoded = body
            }
            if partHeaders.contains("text/plain") { parts["text"] = decoded }
            if partHeaders.contains("text/html") { parts["html"] = decoded }
        }
        text = parts["text"] ?? ""
        html = parts["html"] ?? ""
    }

    /// RFC 2045 6.7: `=XX` is a byte, `=` at a line end is a soft break.
    static func decodeQuotedPrintable(_ body: String) -> String {
        var bytes: [UInt8] = []
        let input = Array(body.replacingOccurrences(of: "=\n", with: "").utf8)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "="), index + 2 < input.count,
               let byte = UInt8(String(decoding: input[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(byte)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
