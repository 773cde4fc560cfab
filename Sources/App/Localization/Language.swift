/// The languages every invitation email and invitee page exists in, named by their BCP 47 codes everywhere
/// (console, API, `--language`).
package enum Language: String, Codable, Sendable, CaseIterable {
    case en, de, fr, es, it, ja
    case zhHans = "zh-Hans"

    /// The language's own name, for language pickers.
    var nativeName: String {
        switch self {
        case .en: "English"
        case .de: "Deutsch"
        case .fr: "Français"
        case .es: "Español"
        case .it: "Italiano"
        case .ja: "日本語"
        case .zhHans: "简体中文"
        }
    }

    /// Accepts the code in any case and common aliases ("zh", "zh-CN", "de-AT"), as browsers and people send them.
    init?(code: String) {
        let lowered = code.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "_", with: "-")
        if let exact = Language.allCases.first(where: { $0.rawValue.lowercased() == lowered }) { self = exact; return }
        if lowered == "zh" || lowered.hasPrefix("zh-cn") || lowered.hasPrefix("zh-sg") || lowered.hasPrefix("zh-hans") { self = .zhHans; return }
        if lowered.hasPrefix("zh-") { return nil }
        guard let primary = lowered.split(separator: "-").first, let match = Language(rawValue: String(primary)) else { return nil }
        self = match
    }

    /// The best language for an `Accept-Language` header (RFC 9110 12.5.4), English when none fits.
    static func preferred(acceptLanguage header: String?) -> Language {
        guard let header else { return .en }
        let ranked = header.split(separator: ",").compactMap { part -> (Language, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let code = pieces.first, let language = Language(code: code) else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (language, quality)
        }
        return ranked.filter { $0.1 > 0 }.max { $0.1 < $1.1 }?.0 ?? .en
    }
}

import Foundation
