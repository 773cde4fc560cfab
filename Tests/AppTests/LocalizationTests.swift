@testable import App
import Foundation
import Testing

@Suite("Message catalogs and languages")
struct LocalizationTests {
    static let catalog: MessageCatalog = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try! MessageCatalog.load(directory: root.appendingPathComponent("Resources/Locales").path)
    }()

    @Test("placeholders are filled in one pass: values are never filled again, unknown and unclosed braces stay")
    func fillingIsOnePass() {
        #expect(MessageCatalog.fill("{inviter} invites you to {organization}", ["inviter": "Ada {organization}", "organization": "Acme"])
            == "Ada {organization} invites you to Acme")
        #expect(MessageCatalog.fill("{count} of {total} {unknown}", ["count": "2", "total": "3"]) == "2 of 3 {unknown}")
        #expect(MessageCatalog.fill("Größe {count} {unclosed", ["count": "5"]) == "Größe 5 {unclosed")
        #expect(MessageCatalog.fill("no placeholders", ["count": "5"]) == "no placeholders")
        #expect(MessageCatalog.fill("{}{count}}", ["count": "1"]) == "{}1}")
    }

    @Test("all seven languages have exactly the same keys")
    func sevenLanguagesHaveTheSameKeys() throws {
        let english = Set(Self.catalog.entries[.en]?.keys ?? [:].keys)
        var problems: [String] = []
        for language in Language.allCases where language != .en {
            let keys = Set(Self.catalog.entries[language]?.keys ?? [:].keys)
            for missing in english.subtracting(keys).sorted() { problems.append("\(language.rawValue): missing '\(missing)'") }
            for extra in keys.subtracting(english).sorted() { problems.append("\(language.rawValue): '\(extra)' is not in en.json") }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// JSON parsers keep the last of two equal keys without a word: an entry written twice is one translation lost.
    @Test("no catalog names a key twice")
    func noKeyTwice() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("Resources/Locales")
        var problems: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".json") {
            var seen: Set<Substring> = []
            // The catalogs are written one top-level key per line, indented by two spaces.
            for line in try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8).split(separator: "\n")
            where line.hasPrefix("  \"") {
                let key = line.dropFirst(3).prefix { $0 != "\"" }
                if !seen.insert(key).inserted { problems.append("\(file): '\(key)' twice") }
            }
            #expect(seen.count > 100, "\(file): the catalog's layout changed; this test no longer sees its keys")
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("every placeholder of the English text appears in each translation")
    func placeholdersSurviveTranslation() {
        func placeholders(_ entry: MessageCatalog.Entry) -> Set<String> {
            let texts: [String] = switch entry { case .text(let t): [t]; case .plural(let forms): Array(forms.values) }
            return Set(texts.flatMap { $0.matches(of: /\{([a-zA-Z]+)\}/).map { String($0.1) } })
        }
        var problems: [String] = []
        for (key, english) in Self.catalog.entries[.en] ?? [:] {
            for language in Language.allCases where language != .en {
                guard let translated = Self.catalog.entries[language]?[key] else { continue }
                let missing = placeholders(english).subtracting(placeholders(translated))
                if !missing.isEmpty { problems.append("\(language.rawValue) '\(key)' lacks \(missing.sorted())") }
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("plural rules: 1 day / 2 days, French 0 and 1 singular, Japanese and Chinese without plural")
    func pluralRules() {
        #expect(Self.catalog.plural("common.days", count: 1, .en) == "1 day")
        #expect(Self.catalog.plural("common.days", count: 2, .en) == "2 days")
        #expect(Self.catalog.plural("common.days", count: 0, .fr) == "0 jour")
        #expect(Self.catalog.plural("common.days", count: 7, .de) == "7 Tage")
        #expect(Self.catalog.plural("common.days", count: 1, .ja) == "1 日")
        #expect(Self.catalog.plural("common.days", count: 30, .zhHans) == "30 天")
    }

    /// CLDR 46 `plurals.xml`, cardinal, integers: the sample numbers it lists per category.
    @Test("each language's plural category for CLDR's sample integers", arguments: [
        (Language.en, [1], [0, 2, 5, 100, 1_000_000]),
        (.de, [1], [0, 2, 7, 21, 1_000_000]),
        (.fr, [0, 1], [2, 17, 100, 1_000, 10_000, 100_000]),
        (.es, [1], [0, 2, 16, 100, 1_000, 10_000, 100_000]),
        (.it, [1], [0, 2, 16, 100, 1_000, 10_000, 100_000]),
        (.ja, [], [0, 1, 2, 100, 1_000_000]),
        (.zhHans, [], [0, 1, 2, 100, 1_000_000]),
    ])
    func pluralCategories(language: Language, one: [Int], other: [Int]) {
        for count in one { #expect(PluralRules.category(for: count, language: language) == "one", "\(language) \(count)") }
        for count in other { #expect(PluralRules.category(for: count, language: language) == "other", "\(language) \(count)") }
        // CLDR 42+: French, Spanish and Italian use `many` for whole millions ("1 000 000 de jours").
        let usesMany = [Language.fr, .es, .it].contains(language)
        for count in [1_000_000, 2_000_000, 5_000_000] {
            #expect(PluralRules.category(for: count, language: language) == (usesMany ? "many" : "other"), "\(language) \(count)")
        }
        #expect(PluralRules.category(for: 1_000_001, language: language) == "other")
    }

    @Test("every plural entry gives each category its language uses, and only those")
    func pluralEntriesHaveTheirLanguagesCategories() {
        var problems: [String] = []
        for language in Language.allCases {
            for (key, entry) in Self.catalog.entries[language] ?? [:] {
                guard case .plural(let forms) = entry else { continue }
                let expected = PluralRules.categories(of: language)
                if Set(forms.keys) != expected { problems.append("\(language.rawValue) \(key): \(forms.keys.sorted()), expected \(expected.sorted())") }
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("phrases, not words: the join email's expiry reads right for one, few and a million days in every language", arguments: [
        (Language.en, 1, "expires in 1 day ("), (.en, 7, "expires in 7 days ("),
        (.de, 1, "läuft in 1 Tag ab"), (.de, 7, "läuft in 7 Tagen ab"),
        (.fr, 1, "expire dans 1 jour ("), (.fr, 7, "expire dans 7 jours ("), (.fr, 1_000_000, "de jours ("),
        (.es, 1, "caduca en 1 día ("), (.es, 7, "caduca en 7 días ("), (.es, 1_000_000, "de días"),
        (.it, 1, "scade tra 1 giorno ("), (.it, 7, "scade tra 7 giorni ("), (.it, 1_000_000, "di giorni"),
        (.ja, 7, "7 日後"), (.zhHans, 7, "7 天后"),
    ])
    func expiryPhrase(language: Language, days: Int, expected: String) {
        let text = Self.catalog.plural("join.email.expiry", count: days, language, ["date": "D"])
        #expect(text.contains(expected), "\(text)")
    }

    @Test("every audit action has a label in every language, none of them the raw action")
    func auditActionsHaveLabels() {
        var problems: [String] = []
        for action in AuditAction.allCases {
            for language in Language.allCases {
                guard case .text(let label)? = Self.catalog.entries[language]?[action.labelKey] else {
                    problems.append("\(language.rawValue): no label for \(action.rawValue)")
                    continue
                }
                if label.contains(action.rawValue) || label.contains("_") { problems.append("\(language.rawValue) \(action.rawValue): '\(label)'") }
            }
        }
        #expect(AuditAction.allCases.count >= 37)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("Accept-Language picks the best supported language", arguments: [
        ("de-CH,de;q=0.9,en;q=0.8", Language.de), ("fr;q=0.2, ja;q=0.9", .ja), ("zh-CN,zh;q=0.9", .zhHans),
        ("pt-BR", .en), ("", .en), ("zh-TW", .en), ("it-IT;q=0, es", .es),
    ])
    func acceptLanguage(header: String, expected: Language) {
        #expect(Language.preferred(acceptLanguage: header) == expected)
    }
}
