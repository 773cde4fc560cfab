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

    @Test("Accept-Language picks the best supported language", arguments: [
        ("de-CH,de;q=0.9,en;q=0.8", Language.de), ("fr;q=0.2, ja;q=0.9", .ja), ("zh-CN,zh;q=0.9", .zhHans),
        ("pt-BR", .en), ("", .en), ("zh-TW", .en), ("it-IT;q=0, es", .es),
    ])
    func acceptLanguage(header: String, expected: Language) {
        #expect(Language.preferred(acceptLanguage: header) == expected)
    }
}
