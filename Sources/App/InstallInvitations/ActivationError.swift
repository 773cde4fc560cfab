import Foundation
import Vapor

/// Why a code did not activate a machine. Each has its own HTTP status, and the `Herald-Activation-Error`
/// header carries a stable name a product can switch on without parsing English.
enum ActivationError: Error, Equatable {
    case unknownCode
    case codeExpired(Date)
    case invitationRevoked
    case codeUsed
    case noFreeSeat(seats: Int)
    case keyExpired(Date)
    case computerBlocked

    var status: HTTPResponseStatus {
        switch self {
        case .unknownCode: .notFound
        case .codeExpired, .invitationRevoked: .gone
        case .codeUsed: .conflict
        case .noFreeSeat: .unprocessableEntity
        case .keyExpired: .paymentRequired
        case .computerBlocked: .forbidden
        }
    }

    var name: String {
        switch self {
        case .unknownCode: "unknown-code"
        case .codeExpired: "code-expired"
        case .invitationRevoked: "invitation-revoked"
        case .codeUsed: "code-used"
        case .noFreeSeat: "no-free-seat"
        case .keyExpired: "key-expired"
        case .computerBlocked: "computer-blocked"
        }
    }

    /// "field: what is wrong", the API's error form, with the message in the asker's language: the person
    /// activating reads it in the product (or `herald activate`), which sends `Accept-Language`.
    func reason(_ catalog: MessageCatalog, _ language: Language) -> String {
        switch self {
        case .unknownCode: "code: " + catalog.text("activation.error.unknownCode", language)
        case .codeExpired(let date): "code: " + catalog.text("activation.error.codeExpired", language, ["date": LocalizedDate.format(date, language)])
        case .invitationRevoked: "code: " + catalog.text("activation.error.invitationRevoked", language)
        case .codeUsed: "code: " + catalog.text("activation.error.codeUsed", language)
        case .noFreeSeat(let seats): "seats: " + catalog.plural("activation.error.noFreeSeat", count: seats, language)
        case .keyExpired(let date): "license: " + catalog.text("activation.error.keyExpired", language, ["date": LocalizedDate.format(date, language)])
        case .computerBlocked: "computer: " + catalog.text("activation.error.computerBlocked", language)
        }
    }

    func abort(_ catalog: MessageCatalog, _ language: Language) -> Abort {
        Abort(status, headers: ["Herald-Activation-Error": name], reason: reason(catalog, language))
    }
}
