/// Why a string is not an email address Herald can send to.
///
/// Every case carries the input (as the user typed it, after trimming) so the
/// `description` can be shown as is: "'bob@' has no domain".
public enum AddressError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case missingAtSign(String)
    case emptyLocalPart(String)
    case emptyDomain(String)
    /// CR, LF, NUL, spaces, `<`, `>` and commas: they would split a header or a recipient list.
    case forbiddenCharacter(String, Character)
    /// RFC 5321 4.5.3.1.1: the local part is at most 64 octets.
    case localPartTooLong(String, octets: Int)
    /// RFC 5321 4.5.3.1.3 (path ≤ 256 octets, so ≤ 254 for the address itself).
    case addressTooLong(String, octets: Int)
    /// `"john doe"@example.com` is valid RFC 5322 but rarely deliverable; Herald refuses it.
    case quotedLocalPart(String)
    case invalidLocalPart(String, reason: String)
    /// `bob@[192.0.2.1]` (RFC 5321 4.1.3) bypasses DNS; invitations go to named domains only.
    case addressLiteral(String)
    case domainWithoutDot(String)
    /// RFC 1035 2.3.4: at most 253 octets in the textual form.
    case domainTooLong(String, octets: Int)
    case invalidDomainLabel(String, label: String, reason: String)

    public var description: String {
        switch self {
        case .empty:
            return "the address is empty"
        case .missingAtSign(let input):
            return "'\(Self.visible(input))' has no '@'"
        case .emptyLocalPart(let input):
            return "'\(Self.visible(input))' has nothing before the '@'"
        case .emptyDomain(let input):
            return "'\(Self.visible(input))' has no domain"
        case .forbiddenCharacter(let input, let character):
            return "'\(Self.visible(input))' contains \(Self.name(of: character)), which is not allowed in an address"
        case .localPartTooLong(let input, let octets):
            return "'\(Self.visible(input))' has a \(octets)-byte part before the '@'; the limit is 64"
        case .addressTooLong(let input, let octets):
            return "'\(Self.visible(input))' is \(octets) bytes long; the limit is 254"
        case .quotedLocalPart(let input):
            return "'\(Self.visible(input))' has a quoted part before the '@', which Herald does not send to"
        case .invalidLocalPart(let input, let reason):
            return "'\(Self.visible(input))' \(reason)"
        case .addressLiteral(let input):
            return "'\(Self.visible(input))' uses an IP address instead of a domain name"
        case .domainWithoutDot(let input):
            return "'\(Self.visible(input))' has a domain without a dot (e.g. example.com)"
        case .domainTooLong(let input, let octets):
            return "'\(Self.visible(input))' has a \(octets)-byte domain; the limit is 253"
        case .invalidDomainLabel(let input, let label, let reason):
            return "'\(Self.visible(input))' has an invalid domain part '\(Self.visible(label))': \(reason)"
        }
    }

    /// Shows control characters escaped so a message never carries a raw CR/LF
    /// into a log line or an HTTP reason.
    static func visible(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r": result += "\\r"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\0": result += "\\0"
            default:
                // C0/C1 controls and the Unicode line and paragraph separators.
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                    || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    static func name(of character: Character) -> String {
        switch character {
        case "\r": return "a carriage return"
        case "\n": return "a line break"
        case "\0": return "a NUL character"
        case " ": return "a space"
        case "\t": return "a tab"
        case ",": return "a comma"
        case "<", ">": return "'\(character)'"
        default: return "'\(visible(String(character)))'"
        }
    }
}
