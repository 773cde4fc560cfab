/// The words of a SCIM filter: names and keywords, quoted strings (JSON escapes), parentheses and brackets.
enum SCIMFilterToken: Equatable {
    case word(String)
    case string(String)
    case open, close, openBracket, closeBracket

    var text: String {
        switch self {
        case .word(let word): word
        case .string(let string): "\"\(string.prefix(50))\""
        case .open: "("
        case .close: ")"
        case .openBracket: "["
        case .closeBracket: "]"
        }
    }
}

enum SCIMFilterLexer {
    static func tokens(_ text: String) throws(SCIMFilterError) -> [SCIMFilterToken] {
        var tokens: [SCIMFilterToken] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case " ", "\t", "\n", "\r": index += 1
            case "(": tokens.append(.open); index += 1
            case ")": tokens.append(.close); index += 1
            case "[": tokens.append(.openBracket); index += 1
            case "]": tokens.append(.closeBracket); index += 1
            case "\"": tokens.append(.string(try string(scalars, from: &index)))
            default:
                var word = ""
                while index < scalars.count, !" \t\n\r()[]\"".unicodeScalars.contains(scalars[index]) {
                    word.unicodeScalars.append(scalars[index])
                    index += 1
                }
                tokens.append(.word(word))
            }
        }
        return tokens
    }

    /// A JSON string starting at the quote at `index`; `index` ends after the closing quote.
    private static func string(_ scalars: [Unicode.Scalar], from index: inout Int) throws(SCIMFilterError) -> String {
        var result = ""
        index += 1
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "\"": return result
            case "\\":
                guard index < scalars.count else { break }
                let escaped = scalars[index]
                index += 1
                switch escaped {
                case "\"", "\\", "/": result.unicodeScalars.append(escaped)
                case "n": result += "\n"
                case "t": result += "\t"
                case "r": result += "\r"
                case "b": result += "\u{8}"
                case "f": result += "\u{C}"
                case "u":
                    guard index + 4 <= scalars.count, let code = UInt32(String(String.UnicodeScalarView(scalars[index..<index + 4])), radix: 16),
                          let decoded = Unicode.Scalar(code) else { throw SCIMFilterError("a \\u escape in a string is not valid") }
                    result.unicodeScalars.append(decoded)
                    index += 4
                default: throw SCIMFilterError("'\\\(escaped)' is not a valid escape in a string")
                }
            default: result.unicodeScalars.append(scalar)
            }
        }
        throw SCIMFilterError("a string is not closed with '\"'")
    }
}
