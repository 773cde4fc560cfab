/// Escaping for text that goes into XML (and so into SVG and HTML) content or attribute values.
public enum XMLText {
    /// Escapes the five XML specials and drops characters XML 1.0 does not allow at all (most C0 controls),
    /// which would make the whole document unparseable rather than show one odd character.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A value safe as an XML id: letters, digits, '-' and '_' kept, anything else replaced by '-'.
    public static func identifier(_ text: String) -> String {
        let kept = text.unicodeScalars.map { scalar -> Character in
            let isSafe = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
            return isSafe ? Character(scalar) : "-"
        }
        let id = String(kept)
        // An XML name cannot start with a digit or '-'.
        return id.first.map { $0.isLetter } == true ? id : "c-" + id
    }
}
