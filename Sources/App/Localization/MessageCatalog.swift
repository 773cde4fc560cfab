import Foundation

/// Herald's translations: one JSON file per language in `Resources/Locales/<code>.json`, loaded at start-up.
///
/// A value is either a string or, for counts, an object of CLDR plural categories (`one`, `other`, ...).
/// Placeholders are `{name}`. JSON is what translation tools (Weblate, Crowdin, Lokalise) import and export
/// as "key-value JSON", and it needs no parser beyond Foundation.
struct MessageCatalog: Sendable {
    enum Entry: Sendable, Equatable {
        case text(String)
        case plural([String: String])
    }

    let entries: [Language: [String: Entry]]

    static func load(directory: String) throws -> MessageCatalog {
        var entries: [Language: [String: Entry]] = [:]
        for language in Language.allCases {
            let path = (directory as NSString).appendingPathComponent("\(language.rawValue).json")
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CatalogError("the message catalog \(path) is missing")
            }
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw CatalogError("\(path) is not a JSON object of keys to translations")
            }
            var table: [String: Entry] = [:]
            for (key, value) in object {
                switch value {
                case let text as String: table[key] = .text(text)
                case let forms as [String: String]: table[key] = .plural(forms)
                default: throw CatalogError("\(path): the value of '\(key)' must be a string or an object of plural forms")
                }
            }
            entries[language] = table
        }
        return MessageCatalog(entries: entries)
    }

    /// This catalog with an organization's own wording in place of the shipped one, per language. A plural entry is
    /// overridden form by form, as `key#category`, so that reworded counts keep their plural rules.
    func overriding(_ overrides: [Language: [String: String]]) -> MessageCatalog {
        guard !overrides.isEmpty else { return self }
        var entries = self.entries
        for (language, values) in overrides {
            for (field, value) in values {
                let (key, category) = Self.split(field)
                guard let category else {
                    entries[language, default: [:]][key] = .text(value)
                    continue
                }
                var forms: [String: String] = [:]
                if case .plural(let shipped)? = entries[language]?[key] ?? entries[.en]?[key] { forms = shipped }
                forms[category] = value
                entries[language, default: [:]][key] = .plural(forms)
            }
        }
        return MessageCatalog(entries: entries)
    }

    /// What the template editor shows for `field`: an entry's text, or one plural form of it (`key#category`).
    func editable(_ field: String, _ language: Language) -> String {
        let (key, category) = Self.split(field)
        guard let category, case .plural(let forms)? = entries[language]?[key] ?? entries[.en]?[key] else { return text(key, language) }
        return forms[category] ?? forms["other"] ?? key
    }

    /// Whether `key` is a plural entry (a phrase per count) in `language`.
    func isPlural(_ key: String, _ language: Language) -> Bool {
        if case .plural? = entries[language]?[key] ?? entries[.en]?[key] { return true }
        return false
    }

    /// `key#category` as its two parts; a plain key has no category.
    static func split(_ field: String) -> (key: String, category: String?) {
        guard let mark = field.firstIndex(of: "#") else { return (field, nil) }
        return (String(field[..<mark]), String(field[field.index(after: mark)...]))
    }

    /// The `{placeholders}` a text uses.
    static func placeholders(in text: String) -> Set<String> {
        Set(text.matches(of: /\{([a-zA-Z_]+)\}/).map { String($0.1) })
    }

    /// The translation of `key`, with `{placeholders}` replaced. A key missing in `language` falls back to
    /// English (a test makes sure no key is missing); a key missing everywhere shows as itself.
    func text(_ key: String, _ language: Language, _ arguments: [String: String] = [:]) -> String {
        guard let entry = entries[language]?[key] ?? entries[.en]?[key] else { return key }
        switch entry {
        case .text(let text): return Self.fill(text, arguments)
        case .plural(let forms): return Self.fill(forms["other"] ?? key, arguments)
        }
    }

    /// A count in words: picks the CLDR plural form for `count` in `language` and fills `{count}` too.
    func plural(_ key: String, count: Int, _ language: Language, _ arguments: [String: String] = [:]) -> String {
        guard let entry = entries[language]?[key] ?? entries[.en]?[key] else { return key }
        var all = arguments
        all["count"] = number(count, language)
        switch entry {
        case .text(let text): return Self.fill(text, all)
        case .plural(let forms):
            let category = PluralRules.category(for: count, language: language)
            return Self.fill(forms[category] ?? forms["other"] ?? key, all)
        }
    }

    /// Replaces each `{name}` that has an argument, in one pass: a value that itself contains `{other}` stays as
    /// it is (an inviter may well be called that), and no Foundation bridging (`replacingOccurrences` goes through
    /// NSString on Linux, which was a tenth of an invitee page's cost).
    static func fill(_ template: String, _ arguments: [String: String]) -> String {
        guard !arguments.isEmpty, template.utf8.contains(UInt8(ascii: "{")) else { return template }
        var result = ""
        result.reserveCapacity(template.utf8.count + 64)
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                rest = rest[open...]
                break
            }
            let name = String(rest[rest.index(after: open)..<close])
            if let value = arguments[name] { result += value } else { result += rest[open...close] }
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        return result
    }
}

/// CLDR cardinal plural categories for Herald's languages (integers only, which is all Herald counts), as in
/// CLDR 42 and later (`common/supplemental/plurals.xml`). For an integer n (v = 0, no exponent):
/// - en, de: one when n = 1;
/// - fr: one when n is 0 or 1; many when n ≠ 0 and n % 1,000,000 = 0 ("1 000 000 de jours");
/// - es: one when n = 1; many as French ("1 000 000 de días");
/// - it: one when n = 1; many as French ("1 000 000 di giorni");
/// - ja, zh-Hans: other only (no grammatical plural).
/// A catalog entry lacking the category falls back to `other`.
enum PluralRules {
    static func category(for count: Int, language: Language) -> String {
        let roundMillion = count != 0 && count % 1_000_000 == 0
        switch language {
        case .ja, .zhHans: return "other"
        case .en, .de: return count == 1 ? "one" : "other"
        case .fr: return (count == 0 || count == 1) ? "one" : roundMillion ? "many" : "other"
        case .es, .it: return count == 1 ? "one" : roundMillion ? "many" : "other"
        }
    }

    /// The categories a plural entry must give in `language`: `other` always, and each category the language uses.
    static func categories(of language: Language) -> Set<String> {
        switch language {
        case .ja, .zhHans: ["other"]
        case .en, .de: ["one", "other"]
        case .fr, .es, .it: ["one", "many", "other"]
        }
    }
}

struct CatalogError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
