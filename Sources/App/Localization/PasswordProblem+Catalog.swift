import Foundation
import HeraldCore

extension MessageCatalog {
    /// A rule a new password breaks, as a sentence in `language`: the join page shows these next to the field, so
    /// an invitee reads them in the invitation's language (they were English sentences made in HeraldCore).
    func text(_ problem: PasswordProblem, _ language: Language) -> String {
        switch problem {
        case .tooShort(let minimum, let length):
            plural("password.too_short", count: minimum, language, ["length": number(length, language)])
        case .tooLong(let maximumBytes, let bytes):
            plural("password.too_long", count: maximumBytes, language, ["length": number(bytes, language)])
        case .tooFewKinds(let minimum):
            plural("password.too_few_kinds", count: minimum, language)
        case .emailAddress:
            text("password.email_address", language)
        case .common:
            text("password.common", language)
        }
    }

    /// An integer written the way `language` writes numbers ("1.000" in German, "1 000" in French).
    func number(_ value: Int, _ language: Language) -> String {
        value.formatted(.number.locale(Locale(identifier: language.rawValue)))
    }
}
