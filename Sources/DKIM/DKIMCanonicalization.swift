/// The "relaxed" canonicalisation algorithms of RFC 6376 3.4.2 (header) and 3.4.4 (body): what a verifier
/// reconstructs from the message it received, so small rewrites by relays (whitespace, folding, header name case)
/// do not break the signature.
public enum DKIMCanonicalization {
    /// RFC 6376 3.4.2: name lowercased, value unfolded, runs of WSP made one SP, WSP at the end of the value and
    /// around the colon removed; the result ends with CRLF unless `withCRLF` is false (the DKIM-Signature field
    /// itself is hashed without its final CRLF, 3.7).
    public static func relaxedHeader(name: some Collection<UInt8>, value: some Collection<UInt8>, withCRLF: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(name.count + value.count + 3)
        for byte in name where !isWSP(byte) {
            out.append(byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte)
        }
        out.append(UInt8(ascii: ":"))
        var pendingSpace = false
        var started = false
        for byte in value {
            if byte == 13 || byte == 10 { continue }  // unfolding: the CRLF goes, the WSP after it stays
            if isWSP(byte) {
                pendingSpace = started
                continue
            }
            if pendingSpace { out.append(UInt8(ascii: " ")) }
            pendingSpace = false
            started = true
            out.append(byte)
        }
        if withCRLF { out.append(13); out.append(10) }
        return out
    }

    /// RFC 6376 3.4.4: WSP at the end of each line removed, other runs of WSP made one SP, empty lines at the end
    /// removed; a non-empty body ends with CRLF. `body` is everything after the blank line that ends the header.
    public static func relaxedBody(_ body: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + 2)
        var pendingSpace = false
        var pendingEmptyLines = 0
        var line: [UInt8] = []
        var iterator = body.makeIterator()
        var previousCR = false

        func endLine() {
            if line.isEmpty {
                pendingEmptyLines += 1
            } else {
                for _ in 0..<pendingEmptyLines { out.append(13); out.append(10) }
                pendingEmptyLines = 0
                out.append(contentsOf: line)
                out.append(13); out.append(10)
            }
            line.removeAll(keepingCapacity: true)
            pendingSpace = false
        }

        while let byte = iterator.next() {
            if previousCR {
                previousCR = false
                if byte == 10 {
                    endLine()
                    continue
                }
                // A bare CR is ordinary text (it never reaches SMTP from Herald, but the algorithm must be total).
                flushSpace(&pendingSpace, into: &line)
                line.append(13)
            }
            if byte == 13 {
                previousCR = true
            } else if isWSP(byte) {
                pendingSpace = true
            } else {
                flushSpace(&pendingSpace, into: &line)
                line.append(byte)
            }
        }
        if previousCR {
            flushSpace(&pendingSpace, into: &line)
            line.append(13)
        }
        // The last line without its CRLF: RFC 6376 3.4.4 adds one to a non-empty body.
        if !line.isEmpty { endLine() }
        return out
    }

    private static func flushSpace(_ pending: inout Bool, into line: inout [UInt8]) {
        if pending { line.append(UInt8(ascii: " ")) }
        pending = false
    }

    @inline(__always)
    static func isWSP(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 }
}
