/// The one rule for text a person types that may reach a mail header, a CSV cell or a log line: names, sender
/// names, product and key names, token and group names, subjects, personal messages, template fields.
///
/// The rule looks at Unicode scalars, not Characters: Swift folds "\r\n" into one Character, so a check for "\r"
/// or "\n" misses it, and a header that carries it lets the rest be read as new headers (`Bcc:`).
/// Refused everywhere: C0 controls (U+0000-U+001F) other than the ones a shape allows, DEL, C1 controls
/// (U+0080-U+009F, U+0085 is a line break to Unicode readers), U+2028/U+2029 (line and paragraph separators)
/// and the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which make a name or a CSV cell
/// display as something other than what it is. Left-to-right and right-to-left marks stay: Arabic and Hebrew
/// text needs them.
public enum SafeText {
    public enum Shape: Sendable {
        /// Names, subjects, sender names: no line break, no tab.
        case oneLine
        /// Personal messages and template bodies: line feeds (CR LF and lone CR become LF) and tabs, as editors
        /// and pasted documents produce them; nothing else.
        case multiLine
    }

    /// Why a text was refused; `description` completes "field: ...".
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        case lineBreak
        case controlCharacter(Unicode.Scalar)
        case directionOverride(Unicode.Scalar)

        public var description: String {
            switch self {
            case .lineBreak: return "must be one line"
            case .controlCharacter(let scalar): return "contains a control character (\(Self.codePoint(scalar)))"
            case .directionOverride(let scalar): return "contains a text direction override (\(Self.codePoint(scalar)))"
            }
        }

        static func codePoint(_ scalar: Unicode.Scalar) -> String {
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
    }

    /// `text` as it should be stored (line breaks normalised to LF for `.multiLine`), or the first problem.
    public static func checked(_ text: String, _ shape: Shape) throws(Problem) -> String {
        let normalized = shape == .multiLine ? normalizingLineBreaks(text) : text
        for scalar in normalized.unicodeScalars {
            if let problem = problem(scalar, shape) { throw problem }
        }
        return normalized
    }

    /// The first problem of `text`, or nil when it may be stored as it is (after line-break normalisation).
    public static func problem(_ text: String, _ shape: Shape) -> Problem? {
        do {
            _ = try checked(text, shape)
            return nil
        } catch {
            return error
        }
    }

    /// "field: what is wrong", or nil: for validators that collect every problem of a form at once.
    public static func fieldProblem(_ text: String?, field: String, _ shape: Shape = .oneLine) -> String? {
        guard let text, let problem = problem(text, shape) else { return nil }
        return "\(field): \(problem)"
    }

    /// For text that is already stored and must still go out (a name saved before this rule existed): each line
    /// break becomes a space, every other refused scalar is dropped and the ends are trimmed, so a mail action never fails on it.
    public static func scrubbed(_ text: String, _ shape: Shape = .oneLine) -> String {
        let source = shape == .multiLine ? normalizingLineBreaks(text) : text
        guard source.unicodeScalars.contains(where: { problem($0, shape) != nil }) else { return source }
        var out = String.UnicodeScalarView()
        for scalar in source.unicodeScalars {
            switch problem(scalar, shape) {
            case nil: out.append(scalar)
            case .lineBreak?: if out.last != " " { out.append(" ") }
            case .controlCharacter?, .directionOverride?: continue
            }
        }
        return String(out).trimmingWhitespace()
    }

    static func problem(_ scalar: Unicode.Scalar, _ shape: Shape) -> Problem? {
        switch scalar.value {
        case 0x0A, 0x0D, 0x0B, 0x0C, 0x85, 0x2028, 0x2029:
            if shape == .multiLine && scalar.value == 0x0A { return nil }
            return .lineBreak
        case 0x09:
            return shape == .multiLine ? nil : .controlCharacter(scalar)
        case 0x00...0x1F, 0x7F, 0x80...0x9F:
            return .controlCharacter(scalar)
        case 0x202A...0x202E, 0x2066...0x2069:
            return .directionOverride(scalar)
        default:
            return nil
        }
    }

    /// CR LF (one Character in Swift, two scalars) and a lone CR become LF.
    static func normalizingLineBreaks(_ text: String) -> String {
        guard text.utf8.contains(13) else { return text }
        var out = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                out.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            out.append(scalar)
        }
        return String(out)
    }
}
