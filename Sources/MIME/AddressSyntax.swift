/// The byte-level grammar behind `EmailAddress`, kept apart so the rules can be
/// read next to the RFC sections they come from. Works on UTF-8 bytes: the
/// recipient list parser validates 100,000 addresses per import.
enum AddressSyntax {
    static let maxAddressOctets = 254   // RFC 5321 4.5.3.1.3 path limit minus "<>"
    static let maxLocalPartOctets = 64  // RFC 5321 4.5.3.1.1
    static let maxDomainOctets = 253    // RFC 1035 2.3.4 without the trailing dot
    static let maxLabelOctets = 63      // RFC 1035 2.3.4

    /// Returns the UTF-8 offset of the `@` separating local part and domain.
    static func validate(_ input: String) throws(AddressError) -> Int {
        if input.isEmpty { throw .empty }
        try rejectForbiddenCharacters(input)
        let bytes = Array(input.utf8)
        if bytes.first == UInt8(ascii: "\"") { throw .quotedLocalPart(input) }
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { throw .missingAtSign(input) }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        if local.isEmpty { throw .emptyLocalPart(input) }
        if domain.isEmpty { throw .emptyDomain(input) }
        if bytes.count > maxAddressOctets { throw .addressTooLong(input, octets: bytes.count) }
        if local.count > maxLocalPartOctets { throw .localPartTooLong(input, octets: local.count) }
        try validateLocalPart(local, input: input)
        try validateDomain(domain, input: input)
        return at
    }

    /// Characters that could split a header line or a recipient list.
    private static func rejectForbiddenCharacters(_ input: String) throws(AddressError) {
        var hasNonASCII = false
        for byte in input.utf8 {
            switch byte {
            case 0x00..<0x20, 0x7F, UInt8(ascii: " "), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ","):
                throw .forbiddenCharacter(input, Character(Unicode.Scalar(byte)))
            case 0x80...:
                hasNonASCII = true
            default:
                continue
            }
        }
        guard hasNonASCII else { return }
        // Unicode line separators, NEL and no-break spaces are just as dangerous.
        for scalar in input.unicodeScalars where scalar.value >= 0x80 {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                throw .forbiddenCharacter(input, Character(scalar))
            }
        }
    }

    /// RFC 5322 3.2.3 `dot-atom-text`, with RFC 6531 3.3 `UTF8-non-ascii` added to `atext`.
    private static func validateLocalPart(_ local: ArraySlice<UInt8>, input: String) throws(AddressError) {
        if local.first == UInt8(ascii: ".") {
            throw .invalidLocalPart(input, reason: "starts with a dot")
        }
        if local.last == UInt8(ascii: ".") {
            throw .invalidLocalPart(input, reason: "has a dot just before the '@'")
        }
        var previous: UInt8 = 0
        for byte in local {
            if byte == UInt8(ascii: ".") && previous == UInt8(ascii: ".") {
                throw .invalidLocalPart(input, reason: "has two dots in a row")
            }
            if byte == UInt8(ascii: "@") {
                throw .invalidLocalPart(input, reason: "has more than one '@'")
            }
            if !isAtext(byte) && byte != UInt8(ascii: ".") {
                throw .invalidLocalPart(
                    input, reason: "contains '\(Character(Unicode.Scalar(byte)))' before the '@'")
            }
            previous = byte
        }
    }

    private static func validateDomain(_ domain: ArraySlice<UInt8>, input: String) throws(AddressError) {
        if domain.first == UInt8(ascii: "[") { throw .addressLiteral(input) }
        if domain.count > maxDomainOctets { throw .domainTooLong(input, octets: domain.count) }
        guard domain.contains(UInt8(ascii: ".")) else { throw .domainWithoutDot(input) }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        for label in labels {
            try validateLabel(label, input: input)
        }
        // RFC 3696 2: a top-level domain is never all digits, so "bob@10.0.0.1" is an IP address.
        if let tld = labels.last, tld.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            throw .addressLiteral(input)
        }
    }

    /// RFC 1123 2.1 letters-digits-hyphen labels; non-ASCII bytes are the UTF-8
    /// form of an internationalised label (RFC 6531 3.3, `sub-domain =/ U-label`).
    private static func validateLabel(_ label: ArraySlice<UInt8>, input: String) throws(AddressError) {
        let text = String(decoding: label, as: UTF8.self)
        if label.isEmpty {
            throw .invalidDomainLabel(input, label: text, reason: "the domain has an empty part (two dots in a row, or a dot at its start or end)")
        }
        if label.count > maxLabelOctets {
            throw .invalidDomainLabel(input, label: text, reason: "it is \(label.count) bytes long; the limit is 63")
        }
        if label.first == UInt8(ascii: "-") || label.last == UInt8(ascii: "-") {
            throw .invalidDomainLabel(input, label: text, reason: "it starts or ends with a hyphen")
        }
        for byte in label where !isLetterDigitHyphen(byte) && byte < 0x80 {
            throw .invalidDomainLabel(
                input, label: text, reason: "'\(Character(Unicode.Scalar(byte)))' is not allowed in a domain")
        }
    }

    /// RFC 5322 3.2.3 `atext` plus any non-ASCII byte (RFC 6531 3.3).
    static func isAtext(_ byte: UInt8) -> Bool {
        if byte >= 0x80 || isLetterDigit(byte) { return true }
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
             UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "?"),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "{"),
             UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    static func isLetterDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    static func isLetterDigitHyphen(_ byte: UInt8) -> Bool {
        isLetterDigit(byte) || byte == UInt8(ascii: "-")
    }
}
